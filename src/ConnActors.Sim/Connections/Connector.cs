using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Politeness;
using ConnActors.Policy.Trimming;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Connections;

/// <summary>
/// Opens and closes connections: a dial passes the dialer's router, the dialer's policy, the remote's
/// router and the remote's policy, in that order; every attempt and every closed connection holds a
/// router entry for <see cref="Scenarios.ScenarioSettings.RouterLingerMs"/>, or for <see cref="Scenarios.ScenarioSettings.RouterResetLingerMs"/>
/// when it ended with a reset (an inbound attempt the remote refused, or any close under a policy that resets its
/// connections: <see cref="PolicyVariant.ResetsClosedConnections"/>). A v2 node holds back its own
/// dials to peers it trimmed itself (<see cref="OwnTrimHold"/>); under site budgets a member's router entries
/// are gated by its share (<see cref="Sites.SiteBudgets.MayOpen"/>).
/// </summary>
internal sealed class Connector
{
    /// <summary>Dials between a pair within this long after a policy closed its connection count as redials (1 min, gossipsub's PRUNE backoff).</summary>
    public const long RedialWindowMs = 60_000;

    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly List<ILinkObserver> _observers = new();

    public Connector(SimContext ctx, NodeEngines engines)
    {
        _ctx = ctx;
        _engines = engines;
    }

    public TrimHistory Trims { get; } = new();

    /// <summary>The site budgets whose members' router entries are counted and gated (set once the budgets exist).</summary>
    public Sites.SiteBudgets? Sites { get; set; }

    /// <summary>Nodes whose connections changed during the current event (regulation runs for them next).</summary>
    public Action<int>? Changed { get; set; }

    /// <summary>Called for each new connection (dialer, listener).</summary>
    public Action<int, int>? Opened { get; set; }

    public void Observe(ILinkObserver observer) => _observers.Add(observer);

    public static bool IsUp(DialOutcome outcome) => outcome <= DialOutcome.AlreadyConnected;

    /// <summary>
    /// Dials from <paramref name="a"/> to <paramref name="b"/> through both routers and both policies. Without
    /// <paramref name="honourBye"/> the dial is made whatever backoff <paramref name="b"/> asked of <paramref name="a"/>
    /// (a dial to a load balancer's address, which cannot tell which member it reaches); with <paramref name="passOwnTrimHold"/>
    /// whatever <paramref name="a"/>'s own-trim hold on <paramref name="b"/> (a lookup that needs <paramref name="b"/> among the closest to its key).
    /// </summary>
    public DialOutcome Connect(int a, int b, bool honourBye = true, bool passOwnTrimHold = false)
    {
        if (a == b) throw new InvalidOperationException("a node cannot dial itself");
        var nodes = _ctx.Nodes;
        var metrics = _ctx.Metrics;
        long now = _ctx.Now;
        if (_ctx.Links.Connected(a, b)) return DialOutcome.AlreadyConnected;
        if (honourBye && _engines.Variant.SendsBye && _engines.ExistingByeTable(a) is { } byes && byes.EarliestDialMs(new PeerKey(b), now) > now)
        {
            metrics.DialsSkippedForBye++;
            return DialOutcome.SkippedForBye;
        }
        if (HeldAfterOwnTrim(a, b, now, passOwnTrimHold))
        {
            metrics.DialsHeldAfterOwnTrim++;
            return DialOutcome.HeldAfterOwnTrim;
        }
        if (Trims.ClosedBy(b, a, now, RedialWindowMs) is { } closedByB)
        {
            metrics.RedialsByClosedPeer++;
            if (closedByB.Violated(now, RedialWindowMs)) metrics.PolitenessViolations++;
        }
        else if (Trims.ClosedBy(a, b, now, RedialWindowMs) is { } closedByA)
        {
            metrics.RedialsByCloser++;
            if (closedByA.Trim && !closedByA.EndOfBurst) metrics.RedialsAfterOwnTrim++;
        }

        var outcome = _engines.V2(a) is { } v2 ? DialThroughV2(v2, a, b) : DialThrough(_engines.Of(a), a, b);
        if (outcome != DialOutcome.Connected) return outcome;
        _ctx.Links.Add(a, b, LinkFlags.Outbound);
        _ctx.Links.Add(b, a, LinkFlags.None);
        metrics.Opens++;
        Opened?.Invoke(a, b);
        Changed?.Invoke(a);
        Changed?.Invoke(b);
        return DialOutcome.Connected;
    }

    // The dialer's policy admits the dial first (a refused dial never leaves the node), then the dial
    // passes both routers and the remote's policy; v2 hears how its dial ended (a failure feeds its
    // failed-dial rate), the others only see established connections.
    private DialOutcome DialThroughV2(ConnectionManagerPolicy v2, int a, int b)
    {
        var nodes = _ctx.Nodes;
        long now = _ctx.Now;
        var peer = new PeerKey(b);
        if (Sites is { } sites && !sites.MayOpen(a))
        {
            _ctx.Metrics.SiteEntryRefusals++;
            return DialOutcome.LocalSiteFull;
        }
        if (!v2.BeginOutbound(peer, nodes.Address(b), now).Admitted)
        {
            _ctx.Metrics.LocalRefusals++;
            return DialOutcome.LocalRefused;
        }
        var outcome = Reach(a, b);
        v2.CompleteOutbound(peer, success: outcome == DialOutcome.Connected, now);
        return outcome;
    }

    private DialOutcome DialThrough(IConnectionPolicy policy, int a, int b)
    {
        var nodes = _ctx.Nodes;
        long now = _ctx.Now;
        if (!policy.AdmitOutbound(new PeerKey(b), nodes.Address(b), now).Admitted)
        {
            _ctx.Metrics.LocalRefusals++;
            return DialOutcome.LocalRefused;
        }
        var outcome = Reach(a, b);
        if (outcome != DialOutcome.Connected) policy.ConnectionClosed(new PeerKey(b), ConnectionDirection.Outbound, nodes.Address(b), now);
        return outcome;
    }

    // The dial's way out through the dialer's router, to the remote, through its router and its policy.
    private DialOutcome Reach(int a, int b)
    {
        var nodes = _ctx.Nodes;
        var metrics = _ctx.Metrics;
        int routerA = nodes.Router[a], routerB = nodes.Router[b];
        if (routerA >= 0 && !_ctx.Routers.TryTake(routerA))
        {
            metrics.RouterOverflows++;
            return DialOutcome.LocalRouterFull;
        }
        if (!nodes.Online[b])
        {
            metrics.DialsToOffline++;
            Linger(a);
            return DialOutcome.Offline;
        }
        if (routerB >= 0 && !_ctx.Routers.TryTake(routerB))
        {
            metrics.RouterOverflows++;
            Linger(a);
            return DialOutcome.RemoteRouterFull;
        }
        // The router took the entry before the node could refuse: a refused attempt lingers there too.
        if (Sites is { } sites && !sites.MayOpen(b))
        {
            metrics.SiteEntryRefusals++;
            metrics.RemoteRefusals++;
            LingerRefused(a);
            LingerRefused(b);
            return DialOutcome.RemoteRefused;
        }
        if (!_engines.Of(b).AdmitInbound(new PeerKey(a), nodes.Address(a), _ctx.Now).Admitted)
        {
            metrics.RemoteRefusals++;
            LingerRefused(a);
            LingerRefused(b);
            return DialOutcome.RemoteRefused;
        }
        return DialOutcome.Connected;
    }

    /// <summary>Closes the connection between <paramref name="a"/> and <paramref name="b"/>, if any.</summary>
    public void Close(int a, int b, CloseReason reason)
    {
        var links = _ctx.Links;
        var nodes = _ctx.Nodes;
        int ia = links.IndexOf(a, b);
        if (ia < 0) return;
        var flagsA = links.RemoveAt(a, ia, out long usefulToA);
        var flagsB = links.RemoveAt(b, links.IndexOf(b, a), out long usefulToB);
        var dirA = (flagsA & LinkFlags.Outbound) != 0 ? ConnectionDirection.Outbound : ConnectionDirection.Inbound;
        var dirB = dirA == ConnectionDirection.Outbound ? ConnectionDirection.Inbound : ConnectionDirection.Outbound;
        _engines.Existing(a)?.ConnectionClosed(new PeerKey(b), dirA, nodes.Address(b), _ctx.Now);
        _engines.Existing(b)?.ConnectionClosed(new PeerKey(a), dirB, nodes.Address(a), _ctx.Now);
        if (_engines.Variant.ResetsClosedConnections)
        {
            LingerReset(a);
            LingerReset(b);
        }
        else
        {
            Linger(a);
            Linger(b);
        }
        _ctx.Metrics.Closes++;
        if (reason == CloseReason.Churn) _ctx.Metrics.ChurnCloses++;
        var closed = new ClosedLink(a, b, flagsA, flagsB, usefulToA, usefulToB, reason);
        foreach (var observer in _observers) observer.LinkClosed(in closed);
    }

    /// <summary>
    /// <paramref name="node"/>'s connection manager closes its connection to <paramref name="peer"/>
    /// (a trim, a reclaim or a release): remembered for the redial count and, for a trim or reclaim
    /// under a policy that says bye, the peer is asked to back off. <paramref name="trimReason"/> is the reason the
    /// policy gave (a regulation round's); without it, the one the node records for <paramref name="reason"/>.
    /// </summary>
    public void CloseByPolicy(int node, int peer, CloseReason reason, TrimReason? trimReason = null)
    {
        if (reason == CloseReason.Churn) throw new ArgumentException("churn is not a policy's choice", nameof(reason));
        long now = _ctx.Now;
        // A released connection was done with: nothing to back off from. The backoff is decided while the
        // policy still knows the peer.
        long? backoffMs = reason == CloseReason.Released || !_engines.Variant.SendsBye ? null
            : _engines.ExistingV2(node)?.ByeBackoffMs(new PeerKey(peer), now);
        var why = trimReason ?? TrimReasonOf(reason);
        var v2 = _engines.ExistingV2(node);
        long ownHoldUntil = !_engines.Variant.OwnTrimHold || v2 is null ? now : v2.OwnTrimHoldUntil(new PeerKey(peer), why, now);
        // A finished lookup's peer closed by a round is the end of its burst, as a release is (the node holds no dial to it).
        bool endOfBurst = reason == CloseReason.Released || v2?.LastUseWasFinishedBurst(new PeerKey(peer), why) == true;
        Close(node, peer, reason);
        Trims.Record(node, peer, now, trim: reason != CloseReason.Released, byeBackoffMs: backoffMs, endOfBurst);
        if (backoffMs > 0) _engines.ByeTable(peer).RecordRemoteBye(new PeerKey(node), backoffMs.Value, now);
        if (ownHoldUntil > now) _engines.ByeTable(node).RecordOwnTrim(new PeerKey(peer), ownHoldUntil - now, now);
    }

    // The reason the node's ledger records for such a close (a fleet's steering closes as a handoff does: Unassigned).
    private static TrimReason TrimReasonOf(CloseReason reason) => reason switch
    {
        CloseReason.Released => TrimReason.FinishedBurst,
        CloseReason.Reclaim => TrimReason.QuotaReclaim,
        _ => TrimReason.Unassigned,
    };

    /// <summary>
    /// True when <paramref name="a"/> (v2) trimmed <paramref name="b"/> itself within its own-trim backoff and so does not dial it
    /// (a lookup's query to one of the closest to its key passes: <paramref name="closestForLookup"/>).
    /// </summary>
    public bool HeldAfterOwnTrim(int a, int b, long nowMs, bool closestForLookup = false)
    {
        if (!_engines.Variant.OwnTrimHold || _engines.ExistingByeTable(a) is not { } table || _engines.ExistingV2(a) is not { } v2) return false;
        long holdUntilMs = table.OwnTrimHoldOf(new PeerKey(b), nowMs);
        // Whether b is a friend matters only while a hold is in force: the peer-table lookup is saved on most dials.
        return holdUntilMs > nowMs && !OwnTrimHold.MayDial(holdUntilMs, nowMs, v2.IsFriend(new PeerKey(b)), closestForLookup);
    }

    /// <summary>Closes every connection of <paramref name="node"/> (it goes offline).</summary>
    public void CloseAll(int node)
    {
        var links = _ctx.Links;
        while (links.Degree(node) > 0) Close(node, links.Neighbours(node)[links.Degree(node) - 1], CloseReason.Churn);
    }

    // The entry of node's ended connection or attempt stays in its router's table for the linger.
    private void Linger(int node)
    {
        int router = _ctx.Nodes.Router[node];
        if (router < 0) return;
        _ctx.Queue.ScheduleInOrder(_ctx.Now + _ctx.Scenario.RouterLingerMs, EventKind.RouterRelease, router);
        Sites?.EntryEnded(node);
    }

    // The entry of an attempt the remote refused: for the reset linger when the remote answers with a reset.
    private void LingerRefused(int node)
    {
        if (!_engines.Variant.ResetsRefusedAttempts) Linger(node);
        else LingerReset(node);
    }

    // The entry of a connection or attempt ended by a reset: the router drops it after the reset linger.
    private void LingerReset(int node)
    {
        int router = _ctx.Nodes.Router[node];
        if (router < 0) return;
        _ctx.Queue.Schedule(_ctx.Now + _ctx.Scenario.RouterResetLingerMs, EventKind.RouterRelease, router);
        Sites?.EntryReset(node);
    }
}
