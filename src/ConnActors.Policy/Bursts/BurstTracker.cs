using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Bursts;

/// <summary>
/// Bursts as in the connection manager v2 draft: peers enlist while a burst (a DHT query) runs and are
/// in use meanwhile; when it ends, peers no longer in any burst are marked finished and become first
/// to prune. Member lists are pooled so a steady stream of queries allocates nothing.
/// </summary>
internal sealed class BurstTracker
{
    private readonly PeerTable _peers;
    private readonly Dictionary<int, List<int>> _members = new();
    private readonly Stack<List<int>> _pool = new();
    private int _nextId;

    public BurstTracker(PeerTable peers) => _peers = peers;

    public int ActiveCount => _members.Count;

    public BurstId Begin()
    {
        int id = _nextId++;
        _members.Add(id, _pool.Count > 0 ? _pool.Pop() : new List<int>(32));
        return new BurstId(id);
    }

    /// <summary>Enlists <paramref name="peer"/>; returns false if it already was in this burst.</summary>
    public bool Enlist(BurstId burst, PeerKey peer)
    {
        var members = MembersOf(burst);
        if (members.Contains(peer.Value)) return false;
        members.Add(peer.Value);
        _peers.Track(peer).ActiveBursts++;
        return true;
    }

    /// <summary>Ends the burst; calls <paramref name="onFinished"/> for each peer that left its last burst.</summary>
    public void End(BurstId burst, long nowMs, Action<PeerKey, long>? onFinished = null)
    {
        var members = MembersOf(burst);
        _members.Remove(burst.Value);
        foreach (int id in members)
        {
            ref var entry = ref _peers.Get(new PeerKey(id));
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || entry.ActiveBursts == 0) continue;
            if (--entry.ActiveBursts == 0)
            {
                entry.FinishedBurst = true;
                onFinished?.Invoke(new PeerKey(id), nowMs);
            }
        }
        members.Clear();
        _pool.Push(members);
    }

    public bool IsActive(BurstId burst) => _members.ContainsKey(burst.Value);

    private List<int> MembersOf(BurstId burst) =>
        _members.TryGetValue(burst.Value, out var members) ? members : throw new ArgumentException($"burst {burst.Value} is not active", nameof(burst));
}
