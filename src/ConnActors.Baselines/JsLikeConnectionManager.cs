using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;

namespace ConnActors.Baselines;

/// <summary>
/// A re-implementation of js-libp2p's connection manager, a comparison baseline: one ceiling
/// (<see cref="MaxConnections"/>) and no low water. Inbound connections are refused at the ceiling;
/// outbound dials are never refused, so the count can pass it. Whenever the count is over the ceiling
/// the pruner sorts every peer by tag value, then open streams, then direction (inbound first), then age
/// (newest first), and closes peers until the count is back at the ceiling, skipping friends (peers
/// tagged KEEP_ALIVE) and peers with open streams, which may leave the count above the ceiling. Friends
/// get no reserved room: at the ceiling their inbound connections are refused like any other (only
/// js-libp2p's address allow list bypasses the ceiling, and friends are peers, not addresses).
/// Pure: time is an argument. Not thread-safe.
/// </summary>
public sealed class JsLikeConnectionManager : IConnectionPolicy
{
    private readonly Dictionary<int, JsPeer> _peers = new();
    private readonly Dictionary<(int Peer, int Tag), int> _tags = new();
    private readonly Dictionary<int, int> _tagSums = new();
    private readonly HashSet<int> _friends = new();
    private JsPeer[] _candidates = new JsPeer[16];
    private int _connections, _closing;
    private long _work;

    /// <summary>Creates a manager whose single ceiling is <paramref name="maxConnections"/> (js: 300 in Node.js, 100 in browsers).</summary>
    public JsLikeConnectionManager(int maxConnections)
    {
        if (maxConnections < 1) throw new PolicyConfigurationException("js.max-connections", $"must be at least 1, was {maxConnections}");
        MaxConnections = maxConnections;
    }

    /// <summary>The single ceiling.</summary>
    public int MaxConnections { get; }

    /// <inheritdoc />
    public string Name => "js-like";

    /// <inheritdoc />
    public int Connections => _connections;

    /// <summary>Connections not already chosen by a prune.</summary>
    public int EffectiveConnections => _connections - _closing;

    /// <inheritdoc />
    public long WorkUnits => _work;

    /// <summary>Refuses an inbound connection when the count is at the ceiling; otherwise counts it.</summary>
    public AdmissionVerdict AdmitInbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        _work++;
        if (_connections >= MaxConnections) return AdmissionVerdict.Refuse(RefusalReason.HardCap);
        Connected(peer, inbound: true, nowMs);
        return AdmissionVerdict.Admit;
    }

    /// <summary>Never refuses an outbound dial (so a node can recover from a flood); counts it.</summary>
    public AdmissionVerdict AdmitOutbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        _work++;
        Connected(peer, inbound: false, nowMs);
        return AdmissionVerdict.Admit;
    }

    /// <inheritdoc />
    public void ConnectionClosed(PeerKey peer, ConnectionDirection direction, in RemoteAddress address, long nowMs)
    {
        _work++;
        if (!_peers.TryGetValue(peer.Value, out var entry)) throw new InvalidOperationException($"{peer} has no connection");
        if (direction == ConnectionDirection.Inbound)
        {
            if (entry.Inbound == 0) throw new InvalidOperationException($"{peer} has no inbound connection");
            entry.Inbound--;
        }
        else
        {
            if (entry.Outbound == 0) throw new InvalidOperationException($"{peer} has no outbound connection");
            entry.Outbound--;
        }
        _connections--;
        if (entry.IsClosing) _closing--;
        if (entry.Inbound + entry.Outbound == 0) _peers.Remove(peer.Value);
    }

    /// <summary>Marks a peer as a friend (js-libp2p's KEEP_ALIVE tag): never pruned, but not exempt from the inbound ceiling.</summary>
    public void SetFriend(PeerKey peer, bool isFriend, long nowMs)
    {
        if (isFriend) _friends.Add(peer.Value); else _friends.Remove(peer.Value);
    }

    /// <summary>Sets a tag value (js-libp2p peer store tags); the pruner sorts by their sum.</summary>
    public void SetTag(PeerKey peer, int tag, int value, long nowMs)
    {
        var key = (peer.Value, tag);
        _tags.TryGetValue(key, out int old);
        if (value == 0) _tags.Remove(key); else _tags[key] = value;
        int sum = _tagSums.GetValueOrDefault(peer.Value) + value - old;
        if (sum == 0) _tagSums.Remove(peer.Value); else _tagSums[peer.Value] = sum;
        if (_peers.TryGetValue(peer.Value, out var entry)) entry.Value += value - old;
    }

    /// <summary>Sets the number of open streams of a connected peer; a peer with streams is never pruned.</summary>
    public void SetStreams(PeerKey peer, int openStreams)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(openStreams);
        if (_peers.TryGetValue(peer.Value, out var entry)) entry.Streams = openStreams;
    }

    /// <summary>js-libp2p has no usefulness signals: ignored.</summary>
    public void RecordSignal(PeerKey peer, UsefulnessSignal signal, double amount, long nowMs)
    {
    }

    /// <summary><see cref="RegulationTrigger.HighWater"/> whenever the count not already being pruned is over the ceiling.</summary>
    public RegulationTrigger CheckRegulation(long nowMs) =>
        EffectiveConnections > MaxConnections ? RegulationTrigger.HighWater : RegulationTrigger.None;

    /// <summary>Prunes down to the ceiling (see the class summary); victims are marked as closing.</summary>
    public void PlanTrim(long nowMs, TrimPlan plan) => Prune(nowMs, MaxConnections, CheckRegulation(nowMs), plan);

    /// <summary>Prunes down to <paramref name="target"/> with the same order and exemptions.</summary>
    public void PlanEmergencyTrim(long nowMs, int target, TrimPlan plan)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        Prune(nowMs, target, RegulationTrigger.Emergency, plan);
    }

    /// <summary>No periodic upkeep: js prunes on every connection.</summary>
    public void Tick(long nowMs)
    {
    }

    /// <summary>The tag value sum of <paramref name="peer"/>, or null when not connected.</summary>
    public int? ValueOf(PeerKey peer) => _peers.TryGetValue(peer.Value, out var entry) ? entry.Value : null;

    private void Prune(long nowMs, int target, RegulationTrigger trigger, TrimPlan plan)
    {
        int count = EffectiveConnections;
        plan.Reset(trigger, count, target);
        if (trigger == RegulationTrigger.None || count <= target) return;
        if (_candidates.Length < _peers.Count) _candidates = new JsPeer[Math.Max(_peers.Count, _candidates.Length * 2)];
        int n = 0;
        foreach (var entry in _peers.Values)
        {
            _work++;
            if (entry.IsClosing || entry.Streams > 0 || _friends.Contains(entry.Id)) continue;
            _candidates[n++] = entry;
        }
        plan.CandidatesConsidered = n;
        Array.Sort(_candidates, 0, n, PruneOrder.Instance);
        _work += n <= 1 ? n : (long)(n * Math.Log2(n));
        int toClose = count - target;
        for (int i = 0; i < n && toClose > 0; i++)
        {
            var victim = _candidates[i];
            int connections = victim.Inbound + victim.Outbound;
            plan.Add(new TrimVictim(new PeerKey(victim.Id), TrimReason.LowScore, connections, victim.Value));
            victim.IsClosing = true;
            _closing += connections;
            toClose -= connections;
        }
        Array.Clear(_candidates, 0, n);
    }

    private void Connected(PeerKey peer, bool inbound, long nowMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(peer.Value, nameof(peer));
        if (!_peers.TryGetValue(peer.Value, out var entry))
        {
            entry = new JsPeer(peer.Value, nowMs) { Value = _tagSums.GetValueOrDefault(peer.Value) };
            _peers[peer.Value] = entry;
        }
        if (inbound) entry.Inbound++; else entry.Outbound++;
        _connections++;
        if (entry.IsClosing) _closing++;
    }

    private sealed class JsPeer(int id, long openedMs)
    {
        public int Id { get; } = id;
        public long OpenedMs { get; } = openedMs;
        public int Inbound { get; set; }
        public int Outbound { get; set; }
        public int Streams { get; set; }
        public int Value { get; set; }
        public bool IsClosing { get; set; }
    }

    // js-libp2p's pruner order: lowest tag value, then fewest streams, then inbound before outbound,
    // then the newest connection first; ties by peer key for determinism.
    private sealed class PruneOrder : IComparer<JsPeer>
    {
        public static PruneOrder Instance { get; } = new();

        public int Compare(JsPeer? x, JsPeer? y)
        {
            if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
            int c = x.Value.CompareTo(y.Value);
            if (c != 0) return c;
            c = x.Streams.CompareTo(y.Streams);
            if (c != 0) return c;
            c = (x.Inbound > 0 ? 0 : 1).CompareTo(y.Inbound > 0 ? 0 : 1);
            if (c != 0) return c;
            c = y.OpenedMs.CompareTo(x.OpenedMs);
            return c != 0 ? c : x.Id.CompareTo(y.Id);
        }
    }
}
