using ConnActors.Policy.Admission;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// A random history of an engine's peers for the planner's oracle properties: connections and closes, and the events a
/// peer goes through between decisions (signals, tags, claims and releases of two subsystems, locks, privilege,
/// penalties, bursts), with the clock and the connected peers kept.
/// </summary>
internal sealed class PeerHistory(ConnectionManagerPolicy engine, SubsystemId dht, SubsystemId pubsub, int signalPatterns = int.MaxValue)
{
    /// <summary>How many kinds of event <see cref="Apply"/> knows.</summary>
    public const int EventKinds = 10;

    private readonly List<BurstId> _bursts = new();
    private readonly List<PeerKey> _released = new();

    public long Now { get; set; } = 1_000;

    public int NextPeer { get; set; }

    public List<int> Connected { get; } = new();

    /// <summary>The connected peer <paramref name="index"/> picks (-1 when none is).</summary>
    public PeerKey Pick(int index) => Connected.Count > 0 ? new PeerKey(Connected[index % Connected.Count]) : new PeerKey(-1);

    /// <summary>
    /// Connects a new peer with four signals drawn from one of <c>signalPatterns</c> patterns (peers connected at the same
    /// instant with the same pattern tie exactly).
    /// </summary>
    public void Connect(bool outbound)
    {
        int peer = NextPeer++;
        var verdict = outbound ? engine.AdmitOutbound(new PeerKey(peer), Addresses.V4(peer), Now) : engine.AdmitInbound(new PeerKey(peer), Addresses.V4(peer), Now);
        if (!verdict.Admitted) return;
        Connected.Add(peer);
        var rng = new Random(peer % signalPatterns);
        for (int s = 0; s < 4; s++) engine.RecordSignal(new PeerKey(peer), (UsefulnessSignal)s, rng.Next(0, 40), Now);
    }

    // Bounded: above high water the inbound rate gate refuses newcomers while the clock stands still, and an
    // unbounded loop spun forever on such a history (a loaded suite run's 5 min hang dump).
    public void ConnectUpTo(int count)
    {
        for (int tries = 0; engine.Connections < count && tries < 1_000; tries++) Connect(outbound: false);
    }

    public void Close(int peer)
    {
        if (engine.View(new PeerKey(peer), Now) is not { } view) return;
        for (int i = 0; i < view.Inbound; i++) engine.ConnectionClosed(new PeerKey(peer), ConnectionDirection.Inbound, Addresses.V4(peer), Now);
        for (int i = 0; i < view.Outbound; i++) engine.ConnectionClosed(new PeerKey(peer), ConnectionDirection.Outbound, Addresses.V4(peer), Now);
        Connected.Remove(peer);
    }

    /// <summary>Event <paramref name="kind"/> (0 to <see cref="EventKinds"/> − 1) on <paramref name="peer"/>, with a free <paramref name="value"/> (0-60).</summary>
    public void Apply(int kind, PeerKey peer, int value)
    {
        switch (kind)
        {
            case 0: engine.RecordSignal(peer, (UsefulnessSignal)(value % 4), value, Now); break;
            case 1: engine.SetTag(peer, 1 + value % 2, value - 20, Now); break;
            case 2: engine.RequestSlot(value % 2 == 0 ? dht : pubsub, peer, Now); break;
            case 3: engine.ReleaseSlot(value % 2 == 0 ? dht : pubsub, peer, Now); break;
            case 4: engine.Lock(peer, Now + value * 2_000L, Now); break;
            case 5:
                if (value % 3 == 0) engine.SetFriend(peer, value % 2 == 0, Now);
                else engine.SetProtected(peer, value % 2 == 0, Now);
                break;
            case 6: engine.Penalize(peer, 1 + value, Now); break;
            case 7:
                var burst = engine.BeginBurst(Now);
                engine.Enlist(burst, peer);
                _bursts.Add(burst);
                break;
            case 8:
                if (_bursts.Count == 0) break;
                engine.EndBurst(_bursts[0], Now, _released);
                _bursts.RemoveAt(0);
                foreach (var r in _released) Close(r.Value);
                _released.Clear();
                break;
            case 9: if (peer.Value >= 0) Close(peer.Value); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}
