using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Fleet;

/// <summary>
/// The fleet's handoff as the node carries it out (docs/cluster.md): a member that trims a client offers it to
/// the member with the most room in its view (<see cref="FleetLoads.TakeHandoffTarget"/>); the offer and the dial
/// take <see cref="OfferDelayMs"/>. The target dials a dialable (reachable) client; an unreachable one has no
/// listen address, so the bye alone refers it and the client dials the target. Every trim of a client by a
/// member is judged then (or at once without an offer): the client is <em>lost</em> when it is online and
/// connected to no member.
/// </summary>
internal sealed class Handoffs(SimContext ctx, Connector connector, FleetLoads loads, DuplicateSteering steering, NodeEngines engines)
{
    /// <summary>The offer between members and the dial it starts (a data-centre round trip and a handshake).</summary>
    public const long OfferDelayMs = 100;

    private readonly bool _enabled = engines.Variant.FleetHandoff && loads.Enabled;

    /// <summary><paramref name="node"/>'s regulation just trimmed <paramref name="peer"/>.</summary>
    public void Trimmed(int node, int peer)
    {
        var nodes = ctx.Nodes;
        if (!nodes.IsFleet[node] || nodes.IsFleet[peer]) return;
        ctx.Metrics.FleetTrims++;
        int target = _enabled ? loads.TakeHandoffTarget(node, connections: 1) : -1;
        if (target < 0)
        {
            if (ConnectedToFleet(peer)) ctx.Metrics.FleetPeersKeptByDuplicate++;
            else ctx.Metrics.FleetPeersLost++;
            return;
        }
        ctx.Metrics.HandoffsOffered++;
        // The node hands a peer off whether or not another member holds it too (its choice is by room alone).
        if (ConnectedToFleet(peer)) ctx.Metrics.HandoffsOfHeldPeers++;
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
            if (ctx.Links.Connected(peer, target)) metrics.HandoffsCompleted++;
        }
        if (!nodes.Online[peer]) return;
        if (!ConnectedToFleet(peer)) metrics.FleetPeersLost++;
    }

    private bool ConnectedToFleet(int peer)
    {
        var isFleet = ctx.Nodes.IsFleet;
        foreach (int neighbour in ctx.Links.Neighbours(peer)) if (isFleet[neighbour]) return true;
        return false;
    }
}
