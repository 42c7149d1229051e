using ConnActors.Policy;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Fleet;

/// <summary>
/// The fleet's handoff as the node carries it out (docs/cluster.md): a member that trims a client offers it to
/// the member its view picks (<see cref="FleetLoads.TakeHandoffTarget"/>: none when another member holds the client;
/// room below low water, and a free slot in a subsystem that held the client); the offer and the dial take
/// <see cref="OfferDelayMs"/>. The target dials a dialable (reachable) client; an unreachable one has no
/// listen address, so the bye alone refers it and the client dials the target. Every trim of a client by a
/// member is judged then (or at once without an offer): the client is <em>lost</em> when it is online and
/// connected to no member. A handed-off client the target trims within <see cref="RetrimWindowMs"/> of taking it
/// is counted (the ping-pong that made the first design lose clients).
/// </summary>
internal sealed class Handoffs(SimContext ctx, Connector connector, FleetLoads loads, DuplicateSteering steering, NodeEngines engines)
{
    /// <summary>The offer between members and the dial it starts (a data-centre round trip and a handshake).</summary>
    public const long OfferDelayMs = 100;

    /// <summary>A handed-off client trimmed by its target within this long counts as trimmed again.</summary>
    public const long RetrimWindowMs = 60_000;

    private const int MaxRemembered = 65_536;

    private readonly bool _enabled = engines.Variant.FleetHandoff && loads.Enabled;
    private readonly Dictionary<long, long> _handedAtMs = new();

    /// <summary><paramref name="node"/>'s regulation is about to trim <paramref name="peer"/> (the connection still open).</summary>
    public void Trimming(int node, int peer)
    {
        var nodes = ctx.Nodes;
        if (!nodes.IsFleet[node] || nodes.IsFleet[peer]) return;
        ctx.Metrics.FleetTrims++;
        if (_handedAtMs.Remove(Key(node, peer), out long handedAtMs) && ctx.Now - handedAtMs < RetrimWindowMs) ctx.Metrics.HandoffsRetrimmed++;
        int target = _enabled ? loads.TakeHandoffTarget(node, peer, HeldFor(node, peer), connections: 1) : -1;
        bool heldElsewhere = ConnectedToFleet(peer, except: node);
        if (target < 0)
        {
            if (heldElsewhere) ctx.Metrics.FleetPeersKeptByDuplicate++;
            else ctx.Metrics.FleetPeersLost++;
            return;
        }
        ctx.Metrics.HandoffsOffered++;
        // Another member may hold it all the same: one the view has not caught up with.
        if (heldElsewhere) ctx.Metrics.HandoffsOfHeldPeers++;
        ctx.After(OfferDelayMs, EventKind.HandoffDial, target, peer);
    }

    /// <summary>A <see cref="EventKind.HandoffDial"/> event: <paramref name="target"/> takes the offer of <paramref name="peer"/>.</summary>
    public void Dial(int target, int peer)
    {
        var nodes = ctx.Nodes;
        var metrics = ctx.Metrics;
        if (nodes.Online[target] && nodes.Online[peer])
        {
            metrics.HandoffsAccepted++;
            if (!nodes.Unreachable[peer]) connector.Connect(target, peer);
            else if (connector.Connect(peer, target) == DialOutcome.Connected) steering.Serving(peer, target);
            if (ctx.Links.Connected(peer, target))
            {
                metrics.HandoffsCompleted++;
                Remember(target, peer);
            }
        }
        if (!nodes.Online[peer]) return;
        if (!ConnectedToFleet(peer)) metrics.FleetPeersLost++;
    }

    private void Remember(int target, int peer)
    {
        if (_handedAtMs.Count >= MaxRemembered)
        {
            foreach (var (key, at) in _handedAtMs) if (ctx.Now - at >= RetrimWindowMs) _handedAtMs.Remove(key);
        }
        _handedAtMs[Key(target, peer)] = ctx.Now;
    }

    private static long Key(int member, int peer) => ((long)member << 32) | (uint)peer;

    // The subsystems that hold the peer at the trimming member (the ledger's view of the victim).
    private IReadOnlyCollection<string> HeldFor(int node, int peer) =>
        engines.ExistingV2(node) is { } v2 && v2.View(new PeerKey(peer), ctx.Now) is { SubsystemClaims: var claims and not 0 } ? v2.Quotas.NamesIn(claims) : [];

    private bool ConnectedToFleet(int peer, int except = -1)
    {
        var isFleet = ctx.Nodes.IsFleet;
        foreach (int neighbour in ctx.Links.Neighbours(peer)) if (isFleet[neighbour] && neighbour != except) return true;
        return false;
    }
}
