using ConnActors.Sim.Cli;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Output;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim;

/// <summary>Runs every (scenario, policy) pair of the command line and writes CSVs, plots and the report.</summary>
internal sealed class SimRunner(CliOptions options, TextWriter stdout, TextWriter stderr)
{
    /// <summary>Runs and writes into the options' output directory, which the command line has created and checked.</summary>
    public IReadOnlyList<RunSummary> Execute(string command)
    {
        if (options.ReportRows is { } rows) return ReportFrom(rows, command);
        var all = new List<RunSummary>();
        var results = new List<(ScenarioSettings, IReadOnlyList<RunSummary>)>();
        var scenarios = options.Scenarios.Select(options.Apply).ToList();
        var jobs = scenarios.SelectMany((_, si) => options.Policies.Select((_, pi) => (si, pi))).ToList();
        var done = new (RunSummary Summary, IReadOnlyList<SampleRow> Samples)[jobs.Count];
        // Runs share nothing but the process, so they may run side by side (--parallel); results keep the
        // command line's order, and a run's figures are the same whatever else runs beside it.
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel }, j =>
        {
            var (scenario, variant) = (scenarios[jobs[j].si], options.Policies[jobs[j].pi]);
            var sim = new Simulation(scenario, variant, options.Seed);
            var summary = sim.Run(options.Parallel == 1 ? Progress($"{scenario.Name}/{variant.Name}") : null);
            CsvFiles.WriteTimeSeries(CsvFiles.TimeSeriesPath(options.OutDirectory, scenario.Name, variant.Name), sim.Metrics.Samples);
            lock (done)
                stdout.WriteLine($"{scenario.Name,-15} {variant.Name,-13} {summary.Events,12:N0} events {summary.WallSeconds,8:F1} s  peak {summary.PeakWorkingSetBytes / 1048576.0,8:N0} MB  {GcCounts()}");
            done[j] = (summary, sim.Metrics.Samples);
        });
        for (int si = 0; si < scenarios.Count; si++)
        {
            var runs = jobs.Select((job, j) => (job, j)).Where(x => x.job.si == si).Select(x => done[x.j]).ToList();
            all.AddRange(runs.Select(r => r.Summary));
            results.Add((scenarios[si], runs.Select(r => r.Summary).ToList()));
            if (options.Plots) PlotScenario(scenarios[si], runs.Select((r, i) => (options.Policies[i].Name, r.Samples)).ToList());
        }
        CsvFiles.WriteSummary(Path.Combine(options.OutDirectory, "summary.csv"), all);
        string? validation = null;
        if (options.Validate)
        {
            var result = Validation.Run(options.Seed, Progress);
            Validation.WriteFiles(options.OutDirectory, result, options.Plots);
            validation = Validation.Markdown(result, options.Plots);
        }
        ReportWriter.Write(Path.Combine(options.OutDirectory, "report.md"), command, results, validation, options.Plots, options.ScaleRows);
        stdout.WriteLine($"wrote {Path.Combine(options.OutDirectory, "report.md")}");
        return all;
    }

    // The report of runs made apart: each scenario's rows side by side, as if run in one invocation.
    private IReadOnlyList<RunSummary> ReportFrom(IReadOnlyList<RunSummary> rows, string command)
    {
        var results = rows.GroupBy(r => r.Scenario).Select(g =>
        {
            var scenario = ScenarioCatalog.Find(g.Key)!;
            var first = g.First();
            return (scenario with { Nodes = first.Nodes, DurationMs = (long)(first.SimulatedMinutes * 60_000) }, (IReadOnlyList<RunSummary>)g.ToList());
        }).ToList();
        bool plots = options.Plots && results.All(r => Directory.EnumerateFiles(options.OutDirectory, r.Item1.Name + "-*.png").Any());
        ReportWriter.Write(Path.Combine(options.OutDirectory, "report.md"), command, results, null, plots, options.ScaleRows);
        stdout.WriteLine($"wrote {Path.Combine(options.OutDirectory, "report.md")} from {rows.Count} runs");
        return rows;
    }

    // Process-wide (shared by runs side by side): shows whether a GC setting such as the gen0 budget took effect.
    private static string GcCounts() =>
        $"gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pauses {GC.GetTotalPauseDuration().TotalSeconds:F1} s";

    private Action<double>? Progress(string label) => options.Progress ? new ProgressBar(label, stderr).Report : null;

    private void PlotScenario(ScenarioSettings scenario, IReadOnlyList<(string, IReadOnlyList<SampleRow>)> series) =>
        TimePlots.Draw(options.OutDirectory, scenario, series);
}
