using System.Globalization;
using System.Text;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Output;

/// <summary>Writes report.md: per scenario a side-by-side table, plots, and what each design choice changes.</summary>
internal static class ReportWriter
{
    /// <summary>An ablation differs from v2 when a metric moves by more than this share (and by more than noise-sized absolute amounts).</summary>
    private const double NotableChange = 0.10;

    /// <summary>
    /// A link to docs/simulator.md relative to the report at <paramref name="reportPath"/> when the report is
    /// written inside a checkout (a directory above it has docs/simulator.md or is docs/), else its name in the repository.
    /// </summary>
    public static string SimulatorDocLink(string reportPath)
    {
        string reportDir = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;
        for (var dir = new DirectoryInfo(reportDir); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "simulator.md"), Path.Combine(dir.FullName, "docs", "simulator.md") })
            {
                if (File.Exists(candidate))
                    return $"[docs/simulator.md]({Path.GetRelativePath(reportDir, candidate).Replace(Path.DirectorySeparatorChar, '/')})";
            }
        }
        return "docs/simulator.md in the repository";
    }

    public static void Write(string path, string command, IReadOnlyList<(ScenarioSettings Scenario, IReadOnlyList<RunSummary> Runs)> results,
        string? validationMarkdown, bool plots, IReadOnlyList<RunSummary>? scale = null)
    {
        var md = new StringBuilder();
        md.AppendLine("# ConnActors.Sim: connection-management designs side by side");
        md.AppendLine();
        md.AppendLine("Regenerate with:");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine($"Model, assumptions and a reading of the results: {SimulatorDocLink(path)}. Every figure below comes from the CSV files next to this report.");
        md.AppendLine("Wall times vary with machine load and are listed in summary.csv only.");
        md.AppendLine();
        V2Gains.Write(md, results.Select(r => (r.Scenario.Name, r.Runs)).ToList(),
            // One row group per scenario, network size and simulated time: 100,000- and 1M-node runs of one scenario stay apart.
            (scale ?? []).GroupBy(r => (r.Scenario, r.Nodes, r.SimulatedMinutes)).Select(g => (g.Key.Scenario, (IReadOnlyList<RunSummary>)g.ToList())).ToList());
        md.AppendLine("## Best policy per metric");
        md.AppendLine();
        md.Append("| metric |");
        foreach (var (scenario, _) in results) md.Append(' ').Append(scenario.Name).Append(" |");
        md.AppendLine();
        md.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", results.Count))).AppendLine();
        foreach (var h in Headline.All)
        {
            md.Append("| ").Append(h.Label).Append(" |");
            foreach (var (_, runs) in results) md.Append(' ').Append(Best(h, runs)).Append(" |");
            md.AppendLine();
        }
        md.AppendLine();
        foreach (var (scenario, runs) in results) WriteScenario(md, scenario, runs, plots);
        if (validationMarkdown is not null) md.AppendLine(validationMarkdown);
        File.WriteAllText(path, md.ToString());
    }

    private static void WriteScenario(StringBuilder md, ScenarioSettings scenario, IReadOnlyList<RunSummary> runs, bool plots)
    {
        md.AppendLine($"## {scenario.Name}");
        md.AppendLine();
        md.AppendLine($"{scenario.Description} {runs[0].Nodes:N0} nodes, {scenario.DurationMs / 60_000.0:0} simulated minutes, seed {runs[0].Seed}.");
        md.AppendLine();
        md.Append("| metric |");
        foreach (var run in runs) md.Append(' ').Append(run.Policy).Append(" |");
        md.AppendLine();
        md.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", runs.Count))).AppendLine();
        foreach (var h in Headline.All)
        {
            if (runs.All(r => double.IsNaN(h.Value(r)))) continue;
            md.Append("| ").Append(h.Label).Append(" |");
            foreach (var run in runs) md.Append(' ').Append(h.Show(run)).Append(" |");
            md.AppendLine();
        }
        md.AppendLine();
        if (plots)
        {
            foreach (var (file, caption) in TimePlots.Captions(scenario))
            {
                md.AppendLine($"![{caption}]({scenario.Name}-{file}.png)");
                md.AppendLine();
            }
        }
        bool fleet = runs.Any(r => r.Policy == FleetBase) && runs.All(r => r.Policy != "v2");
        var changes = AblationChanges(runs, fleet ? FleetBase : "v2", fleet ? "with it" : "without it").ToList();
        if (changes.Count > 0)
        {
            md.AppendLine(fleet
                ? $"What each fleet behaviour changes here (metric with it switched on, against {FleetBase}, members each on their own):"
                : "What each v2 design choice changes here (metric with the choice switched off, against full v2):");
            md.AppendLine();
            foreach (string change in changes) md.AppendLine($"- {change}");
            md.AppendLine();
        }
    }

    private static string Best(Headline h, IReadOnlyList<RunSummary> runs)
    {
        var valued = runs.Where(r => !double.IsNaN(h.Value(r))).ToList();
        if (valued.Count == 0) return "–";
        double best = h.HigherIsBetter ? valued.Max(h.Value) : valued.Min(h.Value);
        var winners = valued.Where(r => h.Value(r) == best).Select(r => r.Policy).ToList();
        return winners.Count == valued.Count ? "all equal" : string.Join(", ", winners.Take(3)) + (winners.Count > 3 ? ", …" : "");
    }

    /// <summary>The fleet variants are compared with v2 fleet members without handoff or deduplication.</summary>
    private const string FleetBase = "v2-fleet";

    private static IEnumerable<string> AblationChanges(IReadOnlyList<RunSummary> runs, string basePolicy, string variantWording)
    {
        var v2 = runs.FirstOrDefault(r => r.Policy == basePolicy);
        if (v2 is null) yield break;
        foreach (var ablation in runs.Where(r => r.Policy.StartsWith("v2-", StringComparison.Ordinal) && r.Policy != basePolicy))
        {
            var moved = new List<string>();
            foreach (var h in Headline.All)
            {
                double a = h.Value(ablation), b = h.Value(v2);
                if (double.IsNaN(a) || double.IsNaN(b) || a == b) continue;
                double scale = Math.Max(Math.Abs(a), Math.Abs(b));
                if (Math.Abs(a - b) / scale <= NotableChange || Math.Abs(a - b) < 1e-3) continue;
                bool better = h.HigherIsBetter ? a > b : a < b;
                moved.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{h.Label} {h.Show(ablation)} vs {h.Show(v2)} ({(better ? "better" : "worse")} {variantWording})"));
            }
            yield return moved.Count == 0
                ? $"**{ablation.Policy}**: no metric moves by more than {NotableChange:P0}."
                : $"**{ablation.Policy}**: " + string.Join("; ", moved) + ".";
        }
    }
}
