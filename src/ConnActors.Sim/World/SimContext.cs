using ConnActors.Policy;
using ConnActors.Sim.Events;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Model;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.World;

/// <summary>
/// What every concern of a run shares: the scenario, the seed, the clock, the event queue, the laid-out
/// network (nodes, routers, who is connected to whom), the workload randomness and the metrics.
/// </summary>
internal sealed class SimContext
{
    public SimContext(ScenarioSettings scenario, ulong seed)
    {
        Scenario = scenario;
        Seed = seed;
        (Nodes, Routers) = NetworkBuilder.Build(scenario, seed);
        Links = new Adjacency(scenario.Nodes);
        Random = new DeterministicRandom(seed ^ 0x5EED_0F_5111UL);
    }

    public ScenarioSettings Scenario { get; }

    public ulong Seed { get; }

    public NodeTable Nodes { get; }

    public RouterTable Routers { get; }

    public Adjacency Links { get; }

    public EventQueue Queue { get; } = new();

    /// <summary>Workload choices (which peer, when); network layout and churn come from <see cref="StableHash"/> instead.</summary>
    public DeterministicRandom Random { get; }

    public SimMetrics Metrics { get; } = new();

    /// <summary>Simulated time of the event being run, in milliseconds.</summary>
    public long Now { get; set; }

    /// <summary>True when <paramref name="node"/> is online in session <paramref name="session"/> (stale events check this).</summary>
    public bool IsCurrent(int node, int session) => Nodes.Online[node] && Nodes.SessionNumber[node] == session;

    /// <summary>An exponentially distributed delay for a Poisson process of <paramref name="perHour"/> events per hour.</summary>
    public double ExponentialMs(double perHour) => -Math.Log(1 - Random.NextDouble()) * 3_600_000 / perHour;

    /// <summary>Schedules <paramref name="kind"/> after <paramref name="delayMs"/> (at least 1 ms).</summary>
    public void After(long delayMs, EventKind kind, int a = 0, int b = 0) => Queue.Schedule(Now + Math.Max(1, delayMs), kind, a, b);
}
