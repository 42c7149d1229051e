using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Bursts;

/// <summary>
/// Bursts as in the connection manager v2 draft: peers enlist while a burst (a DHT query) runs and are
/// in use meanwhile. A burst remembers when it began, so that when it ends the connections it opened
/// itself can be told from the ones that were there before. Member lists are pooled so a steady stream
/// of queries allocates nothing.
/// </summary>
internal sealed class BurstTracker
{
    private readonly PeerTable _peers;
    private readonly Dictionary<int, Burst> _bursts = new();
    private readonly Stack<Burst> _pool = new();
    private int _nextId;

    public BurstTracker(PeerTable peers) => _peers = peers;

    public int ActiveCount => _bursts.Count;

    /// <summary>Begins a burst at <paramref name="nowMs"/> (long.MinValue: start unknown, so no connection counts as opened by it).</summary>
    public BurstId Begin(long nowMs = long.MinValue)
    {
        int id = _nextId++;
        var burst = _pool.Count > 0 ? _pool.Pop() : new Burst();
        burst.StartMs = nowMs;
        _bursts.Add(id, burst);
        return new BurstId(id);
    }

    /// <summary>Enlists <paramref name="peer"/>; returns false if it already was in this burst.</summary>
    public bool Enlist(BurstId burst, PeerKey peer)
    {
        var members = Get(burst).Members;
        if (members.Contains(peer.Value)) return false;
        members.Add(peer.Value);
        _peers.Track(peer).ActiveBursts++;
        return true;
    }

    /// <summary>
    /// Ends the burst; calls <paramref name="onFinished"/> (peer, now, the burst's start) for each peer
    /// that left its last burst.
    /// </summary>
    public void End(BurstId id, long nowMs, Action<PeerKey, long, long>? onFinished = null)
    {
        var burst = Get(id);
        _bursts.Remove(id.Value);
        foreach (int member in burst.Members) Left(new PeerKey(member), burst, nowMs, onFinished);
        burst.Members.Clear();
        _pool.Push(burst);
    }

    /// <summary>
    /// <paramref name="peer"/> leaves a running burst early; calls <paramref name="onFinished"/> as <see cref="End"/> does if
    /// that was its last burst. Returns false if it was not in the burst.
    /// </summary>
    public bool Leave(BurstId id, PeerKey peer, long nowMs, Action<PeerKey, long, long> onFinished)
    {
        var burst = Get(id);
        if (!burst.Members.Remove(peer.Value)) return false;
        Left(peer, burst, nowMs, onFinished);
        return true;
    }

    // A member no longer counts the burst; onFinished when it was its last.
    private void Left(PeerKey peer, Burst burst, long nowMs, Action<PeerKey, long, long>? onFinished)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || entry.ActiveBursts == 0) return;
        if (--entry.ActiveBursts == 0) onFinished?.Invoke(peer, nowMs, burst.StartMs);
    }

    public bool IsActive(BurstId burst) => _bursts.ContainsKey(burst.Value);

    private Burst Get(BurstId burst) =>
        _bursts.TryGetValue(burst.Value, out var b) ? b : throw new ArgumentException($"burst {burst.Value} is not active", nameof(burst));

    private sealed class Burst
    {
        public readonly List<int> Members = new(32);
        public long StartMs;
    }
}
