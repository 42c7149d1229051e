using System.Globalization;
using System.Text;
using ConnActors.Sim.Metrics;

namespace ConnActors.Sim.Output;

/// <summary>
/// The "what v2 buys you" table: for each scenario, the metrics that measure the seed's problems, with
/// basic, js-like and v2 side by side and v2's value as a share of basic's.
/// </summary>
internal static class V2Gains
{
    /// <summary>The rows: the seed's problems first, then what must not get worse.</summary>
    public static IReadOnlyList<Headline> Metrics { get; } =
    [
        Find("useful-peer trims"),
        Find("useful-peer closes (trims + releases)"),
        Find("mesh links trimmed /node/h"),
        Find("routing-table trims /node/h"),
        Find("redials by trimmed peers within 60 s"),
        Find("redials of trimmed peers within 60 s"),
        Find("opens per useful message"),
        Find("router overflows"),
        Find("home routers that overflowed"),
        Find("p99 router occupancy (max)"),
        Find("busiest node's load of high water"),
        Find("lookup success"),
        Find("lookup ms p99"),
        Find("pubsub delivery ratio"),
        Find("DHT starvation"),
        Find("pubsub starvation"),
        Find("crowd dials admitted"),
        Find("friend uptime"),
        Find("policy work /node/min"),
    ];

    private static Headline Find(string label) => Headline.All.First(h => h.Label == label);

    /// <summary>
    /// Appends the table: one block per scenario of <paramref name="results"/> (10k), then one per scenario
    /// of <paramref name="scale"/> (the 1M-node runs, v2 against basic), each row shown when a policy has a
    /// value and not all are zero.
    /// </summary>
    public static void Write(StringBuilder md, IReadOnlyList<(string Scenario, IReadOnlyList<RunSummary> Runs)> results,
        IReadOnlyList<(string Scenario, IReadOnlyList<RunSummary> Runs)> scale)
    {
        static bool Compares(IReadOnlyList<RunSummary> runs) => runs.Any(r => r.Policy == "basic") && runs.Any(r => r.Policy == "v2");
        // Runs without both basic and v2 (the fleet variants, say) have nothing for this table.
        if (!results.Any(r => Compares(r.Runs)) && !scale.Any(r => Compares(r.Runs))) return;
        md.AppendLine("## What v2 buys you");
        md.AppendLine();
        md.AppendLine("Same network, same churn, same workload, same limits; only the connection manager differs, and v2 is told its home router's size (it counts its router entries against 90% of the table; nodes sharing a router split that as one cluster site). " +
            "*v2 / basic* is v2's value divided by basic's (below 1 is less of it). Lower is better except for " +
            "lookup success, delivery ratio, crowd dials admitted and friend uptime. DHT and pubsub starvation count the queries and GRAFTs " +
            "a node's own policy refused a connection or a subsystem slot: v2's price for keeping to its caps (basic and js-like never refuse them, and run past high water instead).");
        md.AppendLine();
        md.AppendLine("| scenario | metric | basic | js-like | v2 | v2 / basic |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (scenario, runs) in results) Rows(md, scenario, runs);
        // A run of less than the hour (the 1M-node runs) says so in its label; its counts are then for that time.
        foreach (var (scenario, runs) in scale)
            Rows(md, runs[0].SimulatedMinutes == 60 ? $"{scenario} ({runs[0].Nodes:N0} nodes)" : $"{scenario} ({runs[0].Nodes:N0} nodes, {runs[0].SimulatedMinutes:0.#} min)", runs);
        md.AppendLine();
    }

    private static void Rows(StringBuilder md, string scenario, IReadOnlyList<RunSummary> runs)
    {
        var basic = runs.FirstOrDefault(r => r.Policy == "basic");
        var js = runs.FirstOrDefault(r => r.Policy == "js-like");
        var v2 = runs.FirstOrDefault(r => r.Policy == "v2");
        if (basic is null || v2 is null) return;
        foreach (var h in Metrics)
        {
            double b = h.Value(basic), j = js is null ? double.NaN : h.Value(js), v = h.Value(v2);
            if (double.IsNaN(b) && double.IsNaN(v)) continue;
            if (h.Show(basic) == h.Show(v2) && (js is null || h.Show(js) == h.Show(v2))) continue;
            md.Append($"| {scenario} | {h.Label} | {h.Show(basic)} | {(js is null ? "–" : h.Show(js))} | **{h.Show(v2)}** | {Ratio(v, b)} |").AppendLine();
        }
    }

    private static string Ratio(double v2, double basic)
    {
        if (double.IsNaN(v2) || double.IsNaN(basic)) return "–";
        if (basic == 0) return v2 == 0 ? "=" : "(basic 0)";
        return (v2 / basic).ToString(v2 / basic < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture);
    }
}
