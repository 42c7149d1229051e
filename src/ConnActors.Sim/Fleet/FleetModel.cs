using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Politeness;
using ConnActors.Sim.Churn;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Fleet;

/// <summary>
/// The fleet (gateways and cluster nodes): servers that are all friends of one another; clients visit
/// gateways; each member restarts once per period (a rolling deploy). A disconnected friend pair is
/// redialed by its lower-numbered member along the policy's FriendReconnectSchedule, except under
/// js-like, which (as js-libp2p's KEEP_ALIVE) retries 5 times from 1 s doubling and then forgets the friend.
/// </summary>
internal sealed class FleetModel : INodeLifecycle, ILinkObserver
{
    private const long FriendSampleEveryMs = 5_000;
    private const int JsKeepAliveRetries = 5;
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Connector _connector;
    private readonly int[] _members;
    private readonly Dictionary<long, FriendPair> _pairs = new();
    private readonly List<FriendPair> _pairList = new();

    public FleetModel(SimContext ctx, NodeEngines engines, Connector connector)
    {
        _ctx = ctx;
        _engines = engines;
        _connector = connector;
        var nodes = ctx.Nodes;
        _members = NodePicker.Pick(ctx, ctx.Scenario.FleetSize, salt: 40, n => nodes.Profile[n] is ResourceProfile.Server or ResourceProfile.Xl);
        foreach (int member in _members)
        {
            nodes.IsFleet[member] = true;
            nodes.Profile[member] = ResourceProfile.Server;
        }
        for (int i = 0; i < _members.Length; i++)
        {
            for (int j = i + 1; j < _members.Length; j++)
            {
                int low = Math.Min(_members[i], _members[j]), high = Math.Max(_members[i], _members[j]);
                var schedule = new FriendReconnectSchedule(BackoffSettings.FriendReconnectDefault, new DeterministicRandom(StableHash.Of(ctx.Seed, low, high, 41)));
                var pair = new FriendPair(_pairList.Count, low, high, schedule);
                _pairs[PairKey(low, high)] = pair;
                _pairList.Add(pair);
            }
        }
        engines.Configure += MakeFriends;
        Loads = new FleetLoads(ctx, engines, _members);
        Steering = new DuplicateSteering(ctx, engines, connector, Loads);
    }

    /// <summary>What the members know of one another (for handoff and deduplication).</summary>
    public FleetLoads Loads { get; }

    /// <summary>Inbound duplicates steered to the member that keeps the client.</summary>
    public DuplicateSteering Steering { get; }

    private void MakeFriends(int node, IConnectionPolicy engine)
    {
        if (!_ctx.Nodes.IsFleet[node]) return;
        foreach (int friend in _members) if (friend != node) engine.SetFriend(new PeerKey(friend), true, _ctx.Now);
    }

    /// <summary>Schedules the friend-uptime samples.</summary>
    public void ScheduleSampling()
    {
        if (_pairList.Count > 0) _ctx.Queue.Schedule(FriendSampleEveryMs, EventKind.FriendSample);
    }

    /// <summary>A member's session ends at its next restart slot (each member has its own offset in the period).</summary>
    public void ScheduleRestart(int node, int session)
    {
        long every = _ctx.Scenario.FleetRestartEveryMs;
        long offset = (long)(StableHash.Unit(_ctx.Seed, node, 46) * every);
        long next = (_ctx.Now / every) * every + offset;
        if (next <= _ctx.Now) next += every;
        _ctx.Queue.Schedule(next, EventKind.NodeDown, node, session);
    }

    public void NodeJoined(int node, int session)
    {
        var s = _ctx.Scenario;
        if (s.GatewayVisitsPerNodeHour > 0 && !_ctx.Nodes.IsFleet[node])
            _ctx.Queue.Schedule(_ctx.Now + (long)_ctx.ExponentialMs(s.GatewayVisitsPerNodeHour), EventKind.GatewayVisit, node, session);
        if (!_ctx.Nodes.IsFleet[node]) return;
        foreach (int other in _members)
        {
            if (other == node) continue;
            var pair = _pairs[PairKey(Math.Min(node, other), Math.Max(node, other))];
            pair.JsRetries = 0;
            ScheduleRetry(pair, _ctx.Now);
        }
    }

    public void NodeLeft(int node)
    {
    }

    public void LinkClosed(in ClosedLink link)
    {
        int a = link.A, b = link.B;
        if (!_ctx.Nodes.IsFleet[a] || !_ctx.Nodes.IsFleet[b]) return;
        var pair = _pairs[PairKey(Math.Min(a, b), Math.Max(a, b))];
        ScheduleRetry(pair, pair.Schedule.RecordDisconnected(_ctx.Now));
    }

    private void ScheduleRetry(FriendPair pair, long atMs)
    {
        if (pair.RetryScheduled) return;
        pair.RetryScheduled = true;
        _ctx.Queue.Schedule(Math.Max(atMs, _ctx.Now), EventKind.FriendRetry, pair.Index);
    }

    /// <summary>A <see cref="EventKind.FriendRetry"/> event: the pair's lower member redials.</summary>
    public void Retry(int index)
    {
        var pair = _pairList[index];
        pair.RetryScheduled = false;
        var nodes = _ctx.Nodes;
        if (!nodes.Online[pair.Low] || !nodes.Online[pair.High]) return;
        var outcome = _connector.Connect(pair.Low, pair.High);
        if (Connector.IsUp(outcome))
        {
            pair.Schedule.RecordConnected();
            pair.JsRetries = 0;
            return;
        }
        if (_engines.Variant.Family == PolicyFamily.JsLike)
        {
            if (++pair.JsRetries > JsKeepAliveRetries) return;
            ScheduleRetry(pair, _ctx.Now + (1_000L << (pair.JsRetries - 1)));
            return;
        }
        ScheduleRetry(pair, pair.Schedule.RecordFailure(_ctx.Now));
    }

    /// <summary>A <see cref="EventKind.FriendSample"/> event: is each pair with both members online connected?</summary>
    public void SampleFriends()
    {
        var metrics = _ctx.Metrics;
        foreach (var pair in _pairList)
        {
            if (!_ctx.Nodes.Online[pair.Low] || !_ctx.Nodes.Online[pair.High]) continue;
            metrics.FriendSamples++;
            if (_ctx.Links.Connected(pair.Low, pair.High)) metrics.FriendConnectedSamples++;
        }
        _ctx.Queue.Schedule(_ctx.Now + FriendSampleEveryMs, EventKind.FriendSample);
    }

    /// <summary>A <see cref="EventKind.GatewayVisit"/> event: a client connects to a random gateway.</summary>
    public void GatewayVisit(int node, int session)
    {
        if (!_ctx.IsCurrent(node, session) || _members.Length == 0) return;
        int gateway = _members[_ctx.Random.Next(_members.Length)];
        _ctx.Metrics.GatewayVisits++;
        var outcome = _connector.Connect(node, gateway, honourBye: !_ctx.Scenario.LoadBalanced);
        int server = outcome == DialOutcome.Connected ? Steering.Serving(node, gateway) : Connector.IsUp(outcome) ? gateway : -1;
        if (server >= 0)
        {
            _ctx.Metrics.GatewayVisitsServed++;
            AppExchange.Served(_ctx, _engines, node, server);
        }
        _ctx.Queue.Schedule(_ctx.Now + Math.Max(1, (long)_ctx.ExponentialMs(_ctx.Scenario.GatewayVisitsPerNodeHour)), EventKind.GatewayVisit, node, session);
    }

    private static long PairKey(int low, int high) => ((long)low << 32) | (uint)high;
}
