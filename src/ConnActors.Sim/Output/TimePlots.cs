using ConnActors.Sim.Metrics;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Output;

/// <summary>The time-series plots of a scenario: load and routers, and the per-minute rates of the seed's problems.</summary>
internal static class TimePlots
{
    private sealed record Series(string File, string Title, string YLabel, Func<SampleRow, SampleRow?, double> Value, Func<ScenarioSettings, bool> Applies);

    private static readonly Series[] All =
    [
        new("load", "p99 connections / high water", "p99 of connections / high water", (r, _) => r.P99LoadOfHighWater, _ => true),
        new("routers", "p99 router table occupancy", "p99 occupancy (entries / capacity)", (r, _) => r.P99RouterOccupancy, _ => true),
        new("overflows", "router overflows (cumulative)", "dropped connection attempts", (r, _) => r.RouterOverflows, _ => true),
        new("useful-trims", "useful-peer trims per minute", "trims of peers useful in the last 10 min", (r, p) => Rate(r, p, x => x.UsefulPeerTrims), _ => true),
        new("redials", "redials by trimmed peers within 60 s, per minute", "dials back to the node that closed them", (r, p) => Rate(r, p, x => x.RedialsByTrimmedPeers), _ => true),
        new("rt-trims", "routing-table trims per minute", "trims of a peer in the trimmer's k-buckets", (r, p) => Rate(r, p, x => x.RoutingTableTrims), s => s.LookupsPerNodeHour > 0),
        new("fleet-conns-per-peer", "fleet: connections per distinct client", "member-to-client connections / distinct clients", (r, _) => r.FleetConnectionsPerPeer, s => s.FleetSize > 0),
        new("fleet-lost", "fleet: clients lost at trims per minute", "trimmed clients left with no member", (r, p) => Rate(r, p, x => x.FleetPeersLost), s => s.FleetSize > 0),
        new("mesh-trims", "mesh links trimmed per minute", "gossipsub mesh links lost to trims", (r, p) => Rate(r, p, x => x.MeshLinksTrimmed), s => s.Topics > 0),
    ];

    /// <summary>(file suffix, caption) of each plot that applies to <paramref name="scenario"/>.</summary>
    public static IEnumerable<(string File, string Caption)> Captions(ScenarioSettings scenario) =>
        All.Where(s => s.Applies(scenario)).Select(s => (s.File, s.Title));

    /// <summary>Draws every plot that applies to <paramref name="scenario"/>, one line per policy.</summary>
    public static void Draw(string outDir, ScenarioSettings scenario, IReadOnlyList<(string Policy, IReadOnlyList<SampleRow> Rows)> runs)
    {
        foreach (var s in All.Where(s => s.Applies(scenario)))
        {
            var values = runs.Select(run => (run.Policy, (IReadOnlyList<(double, double)>)run.Rows
                .Select((row, i) => (row.TimeMs / 60_000.0, s.Value(row, i == 0 ? null : run.Rows[i - 1])))
                .ToList())).ToList();
            Plots.TimeSeries(Path.Combine(outDir, $"{scenario.Name}-{s.File}.png"), $"{scenario.Name}: {s.Title}", s.YLabel, values);
        }
    }

    // Events per simulated minute between two samples of a cumulative counter.
    private static double Rate(SampleRow row, SampleRow? previous, Func<SampleRow, long> counter)
    {
        if (previous is null) return 0;
        double minutes = (row.TimeMs - previous.TimeMs) / 60_000.0;
        return minutes <= 0 ? 0 : (counter(row) - counter(previous)) / minutes;
    }
}
