using System.Diagnostics;
using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Politeness;
using ConnActors.Policy.Trimming;
using ConnActors.Sim.Events;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim;

/// <summary>
/// One run: one scenario, one policy variant, one seed. Single-threaded and deterministic; every
/// random choice comes from a <see cref="DeterministicRandom"/> or a <see cref="StableHash"/> of the seed.
/// </summary>
internal sealed partial class Simulation
{
    private readonly ScenarioSettings _s;
    private readonly ulong _seed;
    private readonly NodePolicies _policies;
    private readonly NodeTable _nodes;
    private readonly RouterTable _routers;
    private readonly Adjacency _links;
    private readonly DhtIndex _dht;
    private readonly EventQueue _queue = new();
    private readonly IConnectionPolicy?[] _engines;
    private readonly DialBackoffTable?[] _byeTables;
    private readonly long[] _checkAtMs;
    private readonly DeterministicRandom _random;
    private readonly TrimPlan _plan = new();
    private readonly List<int> _toRegulate = new();
    private readonly bool[] _queuedForRegulation;
    private long _now;
    private long _events;

    public Simulation(ScenarioSettings scenario, PolicyVariant variant, ulong seed)
    {
        _s = scenario;
        _seed = seed;
        _policies = new NodePolicies(variant);
        (_nodes, _routers) = NetworkBuilder.Build(scenario, seed);
        _links = new Adjacency(scenario.Nodes);
        _dht = new DhtIndex(_nodes, seed);
        _engines = new IConnectionPolicy?[scenario.Nodes];
        _byeTables = new DialBackoffTable?[scenario.Nodes];
        _checkAtMs = new long[scenario.Nodes];
        Array.Fill(_checkAtMs, long.MaxValue);
        _queuedForRegulation = new bool[scenario.Nodes];
        _random = new DeterministicRandom(seed ^ 0x5EED_0F_5111UL);
        _sessions = new SessionDistribution(scenario.ChurnScale);
        InitPubsub();
        InitFleet();
    }

    public SimMetrics Metrics { get; } = new();

    public PolicyVariant Variant => _policies.Variant;

    public long Events => _events;

    /// <summary>Runs to the end of the scenario; <paramref name="progress"/> gets the simulated fraction done.</summary>
    public RunSummary Run(Action<double>? progress = null)
    {
        var wall = Stopwatch.StartNew();
        ScheduleChurn();
        ScheduleWorkloads();
        for (long t = 0; t <= _s.DurationMs; t += _s.SampleEveryMs) _queue.Schedule(t, EventKind.Sample);
        long nextProgress = 0;
        while (_queue.TryPeekTime(out long time) && time <= _s.DurationMs)
        {
            var e = _queue.Dequeue();
            _now = e.TimeMs;
            _events++;
            Dispatch(in e);
            FlushRegulation();
            if (progress is not null && _now >= nextProgress)
            {
                progress(_now / (double)_s.DurationMs);
                nextProgress = _now + _s.DurationMs / 100;
            }
        }
        _now = _s.DurationMs;
        FinishSessions();
        progress?.Invoke(1);
        return Summarize(wall.Elapsed.TotalSeconds);
    }

    private void Dispatch(in SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.NodeUp: NodeUp(e.A, e.B); break;
            case EventKind.NodeDown: NodeDown(e.A, e.B); break;
            case EventKind.LookupStart: LookupEvent(e.A, e.B); break;
            case EventKind.BurstEnd: EndLookup(e.A); break;
            case EventKind.MeshRepair: MeshRepair(e.A, e.B); break;
            case EventKind.Publish: Publish(e.A); break;
            case EventKind.RegulationCheck: RegulationDue(e.A); break;
            case EventKind.RouterRelease: _routers.Release(e.A); break;
            case EventKind.FriendRetry: FriendRetry(e.A); break;
            case EventKind.CrowdDial: CrowdDial(e.A, e.B); break;
            case EventKind.GatewayVisit: GatewayVisit(e.A, e.B); break;
            case EventKind.Sample: Sample(); break;
            case EventKind.Housekeeping: Housekeeping(e.A); break;
            default: throw new InvalidOperationException($"unknown event {e.Kind}");
        }
    }

    private double ExponentialMs(double perHour) => -Math.Log(1 - _random.NextDouble()) * 3_600_000 / perHour;
}
