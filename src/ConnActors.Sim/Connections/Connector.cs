using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Connections;

/// <summary>
/// Opens and closes connections: a dial passes the dialer's router, the dialer's policy, the remote's
/// router and the remote's policy, in that order; every attempt and every closed connection holds a
/// router entry for <see cref="Scenarios.ScenarioSettings.RouterLingerMs"/>.
/// </summary>
internal sealed class Connector
{
    /// <summary>How long a bye asks the trimmed peer not to redial (gossipsub's PRUNE backoff, 1 min); also the politeness window measured for every policy.</summary>
    public const long ByeBackoffMs = 60_000;

    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly List<ILinkObserver> _observers = new();

    public Connector(SimContext ctx, NodeEngines engines)
    {
        _ctx = ctx;
        _engines = engines;
    }

    public TrimHistory Trims { get; } = new();

    /// <summary>Nodes whose connections changed during the current event (regulation runs for them next).</summary>
    public Action<int>? Changed { get; set; }

    public void Observe(ILinkObserver observer) => _observers.Add(observer);

    public static bool IsUp(DialOutcome outcome) => outcome <= DialOutcome.AlreadyConnected;

    /// <summary>Dials from <paramref name="a"/> to <paramref name="b"/> through both routers and both policies.</summary>
    public DialOutcome Connect(int a, int b)
    {
        if (a == b) throw new InvalidOperationException("a node cannot dial itself");
        var nodes = _ctx.Nodes;
        var metrics = _ctx.Metrics;
        long now = _ctx.Now;
        if (_ctx.Links.Connected(a, b)) return DialOutcome.AlreadyConnected;
        if (_engines.Variant.SendsBye && _engines.ExistingByeTable(a) is { } byes && byes.EarliestDialMs(new PeerKey(b), now) > now)
        {
            metrics.DialsSkippedForBye++;
            return DialOutcome.SkippedForBye;
        }
        if (Trims.TrimmedWithin(b, a, now, ByeBackoffMs)) metrics.PolitenessViolations++;

        int routerA = nodes.Router[a], routerB = nodes.Router[b];
        if (routerA >= 0 && !_ctx.Routers.TryTake(routerA))
        {
            metrics.RouterOverflows++;
            return DialOutcome.LocalRouterFull;
        }
        if (!nodes.Online[b])
        {
            metrics.DialsToOffline++;
            Linger(routerA);
            return DialOutcome.Offline;
        }
        var ea = _engines.Of(a);
        if (!ea.AdmitOutbound(new PeerKey(b), nodes.Address(b), now).Admitted)
        {
            metrics.LocalRefusals++;
            if (routerA >= 0) _ctx.Routers.Release(routerA);
            return DialOutcome.LocalRefused;
        }
        if (routerB >= 0 && !_ctx.Routers.TryTake(routerB))
        {
            metrics.RouterOverflows++;
            ea.ConnectionClosed(new PeerKey(b), ConnectionDirection.Outbound, nodes.Address(b), now);
            Linger(routerA);
            return DialOutcome.RemoteRouterFull;
        }
        if (!_engines.Of(b).AdmitInbound(new PeerKey(a), nodes.Address(a), now).Admitted)
        {
            metrics.RemoteRefusals++;
            ea.ConnectionClosed(new PeerKey(b), ConnectionDirection.Outbound, nodes.Address(b), now);
            Linger(routerA);
            Linger(routerB);
            return DialOutcome.RemoteRefused;
        }
        _ctx.Links.Add(a, b, LinkFlags.Outbound);
        _ctx.Links.Add(b, a, LinkFlags.None);
        metrics.Opens++;
        Changed?.Invoke(a);
        Changed?.Invoke(b);
        return DialOutcome.Connected;
    }

    /// <summary>Closes the connection between <paramref name="a"/> and <paramref name="b"/>, if any.</summary>
    public void Close(int a, int b, CloseReason reason)
    {
        var links = _ctx.Links;
        var nodes = _ctx.Nodes;
        int ia = links.IndexOf(a, b);
        if (ia < 0) return;
        var flagsA = links.RemoveAt(a, ia);
        var flagsB = links.RemoveAt(b, links.IndexOf(b, a));
        var dirA = (flagsA & LinkFlags.Outbound) != 0 ? ConnectionDirection.Outbound : ConnectionDirection.Inbound;
        var dirB = dirA == ConnectionDirection.Outbound ? ConnectionDirection.Inbound : ConnectionDirection.Outbound;
        _engines.Existing(a)?.ConnectionClosed(new PeerKey(b), dirA, nodes.Address(b), _ctx.Now);
        _engines.Existing(b)?.ConnectionClosed(new PeerKey(a), dirB, nodes.Address(a), _ctx.Now);
        Linger(nodes.Router[a]);
        Linger(nodes.Router[b]);
        _ctx.Metrics.Closes++;
        if (reason == CloseReason.Churn) _ctx.Metrics.ChurnCloses++;
        foreach (var observer in _observers) observer.LinkClosed(a, b, flagsA, flagsB, reason);
    }

    /// <summary>Closes every connection of <paramref name="node"/> (it goes offline).</summary>
    public void CloseAll(int node)
    {
        var links = _ctx.Links;
        while (links.Degree(node) > 0) Close(node, links.Neighbours(node)[links.Degree(node) - 1], CloseReason.Churn);
    }

    private void Linger(int router)
    {
        if (router < 0) return;
        _ctx.Queue.Schedule(_ctx.Now + _ctx.Scenario.RouterLingerMs, EventKind.RouterRelease, router);
    }
}
