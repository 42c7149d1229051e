using ConnActors.Sim.Metrics;
using ConnActors.Sim.Policies;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Tests;

/// <summary>Small, quick runs of the named scenarios.</summary>
internal static class SimTestRuns
{
    public static ScenarioSettings Small(string scenario, int nodes = 700, double minutes = 15) =>
        (ScenarioCatalog.Find(scenario) ?? throw new ArgumentException(scenario)) with
        {
            Nodes = nodes,
            DurationMs = (long)(minutes * 60_000),
            FlashAtMs = 300_000,
            MassDepartureAtMs = 600_000,
            FleetRestartEveryMs = 300_000,
        };

    public static (Simulation Sim, RunSummary Summary) Run(ScenarioSettings scenario, string policy, ulong seed = 1)
    {
        var sim = new Simulation(scenario, PolicyVariant.Find(policy)!, seed);
        var summary = sim.Run();
        return (sim, summary);
    }
}
