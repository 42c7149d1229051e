using System.Diagnostics;
using ConnActors.Policy;
using ConnActors.Sim.Churn;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Crowd;
using ConnActors.Sim.Dht;
using ConnActors.Sim.Events;
using ConnActors.Sim.Fleet;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.Pubsub;
using ConnActors.Sim.Sampling;
using ConnActors.Sim.Scenarios;
using ConnActors.Sim.Sites;
using ConnActors.Sim.World;

namespace ConnActors.Sim;

/// <summary>
/// One run: one scenario, one policy variant, one seed. Single-threaded and deterministic; every
/// random choice comes from a <see cref="DeterministicRandom"/> or a <see cref="StableHash"/> of the seed.
/// This class only wires the concerns together and dispatches events to them; each concern (churn,
/// DHT, pubsub, fleet, crowd, connections, sampling) keeps its own state in its own folder.
/// </summary>
internal sealed class Simulation
{
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Connector _connector;
    private readonly Regulator _regulator;
    private readonly ChurnModel _churn;
    private readonly DhtLookups _dht;
    private readonly GossipMesh _pubsub;
    private readonly FleetModel _fleet;
    private readonly FlashCrowd _crowd;
    private readonly SiteBudgets _sites;
    private readonly Sampler _sampler;
    private long _events;

    public Simulation(ScenarioSettings scenario, PolicyVariant variant, ulong seed)
    {
        _ctx = new SimContext(scenario, seed);
        _engines = new NodeEngines(_ctx, variant);
        _connector = new Connector(_ctx, _engines);
        _regulator = new Regulator(_ctx, _engines, _connector);
        _connector.Changed = _regulator.Queue;
        _dht = new DhtLookups(_ctx, _engines, _connector, _regulator);
        _pubsub = new GossipMesh(_ctx, _engines, _connector);
        _fleet = new FleetModel(_ctx, _engines, _connector);
        _crowd = new FlashCrowd(_ctx, _engines, _connector);
        _churn = new ChurnModel(_ctx, _connector, _engines, _regulator, _fleet, _crowd.IsTarget);
        _sites = new SiteBudgets(_ctx, _engines, _regulator);
        if (_sites.Enabled) _connector.Sites = _sites;
        _sampler = new Sampler(_ctx, _engines);
        // Order matters for repeatability: it is the order of the work (and random draws) on a join and a close.
        _churn.Notify(_dht);
        _churn.Notify(_churn);
        _churn.Notify(_pubsub);
        _churn.Notify(_fleet);
        _churn.Notify(_sites);
        _connector.Observe(_pubsub);
        _connector.Observe(_fleet);
        _connector.Observe(new TrimImpact(_ctx, _dht));
    }

    public SimMetrics Metrics => _ctx.Metrics;

    public PolicyVariant Variant => _engines.Variant;

    /// <summary>The site budgets of nodes sharing a router (empty unless the variant splits them).</summary>
    public SiteBudgets Sites => _sites;

    /// <summary>The engines of the online nodes.</summary>
    internal NodeEngines Engines => _engines;

    /// <summary>The network and its state.</summary>
    internal SimContext Context => _ctx;

    public long Events => _events;

    /// <summary>Runs to the end of the scenario; <paramref name="progress"/> gets the simulated fraction done.</summary>
    public RunSummary Run(Action<double>? progress = null)
    {
        var wall = Stopwatch.StartNew();
        var s = _ctx.Scenario;
        var queue = _ctx.Queue;
        _churn.Schedule();
        queue.Schedule(300_000, EventKind.PurgeTrimHistory);
        _pubsub.SchedulePublishing();
        _fleet.ScheduleSampling();
        _crowd.Schedule();
        _sites.Schedule();
        for (long t = 0; t <= s.DurationMs; t += s.SampleEveryMs) queue.Schedule(t, EventKind.Sample);
        long nextProgress = 0;
        while (queue.TryPeekTime(out long time) && time <= s.DurationMs)
        {
            var e = queue.Dequeue();
            _ctx.Now = e.TimeMs;
            _events++;
            Dispatch(in e);
            _regulator.Flush();
            if (progress is not null && _ctx.Now >= nextProgress)
            {
                progress(_ctx.Now / (double)s.DurationMs);
                nextProgress = _ctx.Now + s.DurationMs / 100;
            }
        }
        _ctx.Now = s.DurationMs;
        _churn.FinishSessions();
        progress?.Invoke(1);
        return _sampler.Summarize(wall.Elapsed.TotalSeconds, _events);
    }

    private void Dispatch(in SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.NodeUp: _churn.NodeUp(e.A, e.B); break;
            case EventKind.NodeDown: _churn.NodeDown(e.A, e.B); break;
            case EventKind.MassDeparture: _churn.MassDeparture(); break;
            case EventKind.LookupStart: _dht.Start(e.A, e.B); break;
            case EventKind.BurstEnd: _dht.End(e.A); break;
            case EventKind.MeshRepair: _pubsub.Repair(e.A, e.B); break;
            case EventKind.Publish: _pubsub.Publish(e.A); break;
            case EventKind.RegulationCheck: _regulator.Due(e.A); break;
            case EventKind.RouterRelease: _ctx.Routers.Release(e.A); break;
            case EventKind.PurgeTrimHistory: PurgeTrimHistory(); break;
            case EventKind.FriendRetry: _fleet.Retry(e.A); break;
            case EventKind.FriendSample: _fleet.SampleFriends(); break;
            case EventKind.GatewayVisit: _fleet.GatewayVisit(e.A, e.B); break;
            case EventKind.CrowdDial: _crowd.Dial(e.A, e.B); break;
            case EventKind.Sample: _sampler.Sample(); break;
            case EventKind.SiteRebalance: _sites.RebalanceAll(); break;
            default: throw new InvalidOperationException($"unknown event {e.Kind}");
        }
    }

    private void PurgeTrimHistory()
    {
        _connector.Trims.Purge(_ctx.Now, Connector.RedialWindowMs);
        _ctx.Queue.Schedule(_ctx.Now + 300_000, EventKind.PurgeTrimHistory);
    }

    /// <summary>Mismatches between the simulator's links and routers and the policies' own counts (empty when consistent).</summary>
    public IReadOnlyList<string> FindInconsistencies() => ConsistencyCheck.Find(_ctx, _engines, _pubsub);

    /// <summary>Reachable nodes online now (the DHT servers).</summary>
    public int OnlineServers() => _sampler.OnlineServers();
}
