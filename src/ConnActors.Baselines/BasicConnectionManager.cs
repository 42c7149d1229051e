using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Scoring;

namespace ConnActors.Baselines;

/// <summary>
/// A re-implementation of go-libp2p's BasicConnMgr, the comparison baseline for v2: no admission
/// control at all, watermarks checked by a ticker, a grace period per peer, and trims that sort every
/// candidate peer. Decaying tags are swept peer by peer once per decay interval.
/// <para>
/// Counting follows go: the watermarks are compared with the number of connections
/// (<see cref="Connections"/>), while a trim closes whole peers and go's documentation speaks of
/// "peers"; a peer with several connections therefore counts several times toward the watermarks.
/// <see cref="Peers"/> reports the peer count for that comparison.
/// </para>
/// <para>
/// As in go, an entry is forgotten with its last connection (its tags are lost), while tags and bumps
/// on an unconnected peer create a temporary entry that only a later trim removes. Protections and
/// friends live apart from entries and survive disconnects. Pure: time is an argument; the tickers fire
/// when <see cref="Tick"/> passes their due time, starting from the construction time.
/// Not thread-safe.
/// </para>
/// </summary>
public sealed partial class BasicConnectionManager : IConnectionPolicy
{
    private readonly Dictionary<int, BasicPeer> _peers = new();
    private readonly Stack<BasicPeer> _pool = new();
    private int _inbound, _outbound, _closing, _temporary;
    private long _work;

    /// <summary>Creates a manager with validated <paramref name="settings"/>; its tickers start at <paramref name="startMs"/>.</summary>
    public BasicConnectionManager(BasicSettings settings, long startMs = 0)
    {
        Settings = settings.Validate();
        _nextTrimTickMs = startMs + settings.SilencePeriodMs;
        _lastDecayTickMs = startMs;
        _nextDecayTickMs = startMs + settings.DecayResolutionMs;
    }

    /// <inheritdoc />
    public string Name => "basic";

    /// <summary>The validated settings.</summary>
    public BasicSettings Settings { get; }

    /// <summary>Established connections (go's <c>connCount</c>, what the watermarks are compared with).</summary>
    public int Connections => _inbound + _outbound;

    /// <summary>Established inbound connections.</summary>
    public int Inbound => _inbound;

    /// <summary>Established outbound connections.</summary>
    public int Outbound => _outbound;

    /// <summary>Connections already chosen by a trim plan and not yet closed.</summary>
    public int Closing => _closing;

    /// <summary>Connections not already being closed.</summary>
    public int EffectiveConnections => Connections - _closing;

    /// <summary>Connected peers: what go's documentation calls the watermarks' unit.</summary>
    public int Peers => _peers.Count - _temporary;

    /// <summary>Entries held, temporary ones (tags awaiting a connection) included.</summary>
    public int TrackedEntries => _peers.Count;

    /// <inheritdoc />
    public long WorkUnits => _work;

    /// <summary>Always admits (go's connection manager does not gate) and counts the connection.</summary>
    public AdmissionVerdict AdmitInbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        Connected(peer, ConnectionDirection.Inbound, nowMs);
        return AdmissionVerdict.Admit;
    }

    /// <summary>Always admits (go's connection manager does not gate) and counts the connection.</summary>
    public AdmissionVerdict AdmitOutbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        Connected(peer, ConnectionDirection.Outbound, nowMs);
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
            _inbound--;
        }
        else
        {
            if (entry.Outbound == 0) throw new InvalidOperationException($"{peer} has no outbound connection");
            entry.Outbound--;
            _outbound--;
        }
        if (entry.IsClosing) _closing--;
        if (entry.Connections == 0) Forget(entry);
    }

    /// <summary>go's BasicConnMgr has no usefulness signals: ignored.</summary>
    public void RecordSignal(PeerKey peer, UsefulnessSignal signal, double amount, long nowMs)
    {
    }

    /// <summary>The cached tag value of <paramref name="peer"/> (static plus decaying tags), or null when untracked.</summary>
    public int? ValueOf(PeerKey peer) => _peers.TryGetValue(peer.Value, out var entry) ? entry.Value : null;

    /// <summary>True when <paramref name="peer"/> has an entry, temporary or not.</summary>
    public bool IsTracked(PeerKey peer) => _peers.ContainsKey(peer.Value);

    private void Connected(PeerKey peer, ConnectionDirection direction, long nowMs)
    {
        _work++;
        var entry = EntryFor(peer, nowMs);
        if (entry.IsTemporary)
        {
            // The first connection turns a tag-only entry into a real one; grace starts now.
            entry.IsTemporary = false;
            entry.FirstSeenMs = nowMs;
            _temporary--;
        }
        if (direction == ConnectionDirection.Inbound)
        {
            entry.Inbound++;
            _inbound++;
        }
        else
        {
            entry.Outbound++;
            _outbound++;
        }
        if (entry.IsClosing) _closing++;
    }

    // go's tagInfoFor: the entry of a peer, or a new temporary one.
    private BasicPeer EntryFor(PeerKey peer, long nowMs)
    {
        if (peer.Value < 0) throw new ArgumentOutOfRangeException(nameof(peer), "peer keys are non-negative");
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_peers, peer.Value, out bool exists);
        if (exists) return slot!;
        var entry = _pool.Count > 0 ? _pool.Pop() : new BasicPeer();
        entry.Reset(peer.Value, nowMs, temporary: true);
        _temporary++;
        slot = entry;
        return entry;
    }

    private void Forget(BasicPeer entry)
    {
        _peers.Remove(entry.Id);
        if (entry.IsTemporary) _temporary--;
        _pool.Push(entry);
    }
}
