using ConnActors.Sim.Cli;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Output;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim;

/// <summary>Runs every (scenario, policy) pair of the command line and writes CSVs, plots and the report.</summary>
internal sealed class SimRunner(CliOptions options, TextWriter stdout, TextWriter stderr)
{
    public IReadOnlyList<RunSummary> Execute(string command)
    {
        Directory.CreateDirectory(options.OutDirectory);
        var all = new List<RunSummary>();
        var results = new List<(ScenarioSettings, IReadOnlyList<RunSummary>)>();
        foreach (var baseScenario in options.Scenarios)
        {
            var scenario = options.Apply(baseScenario);
            var runs = new List<RunSummary>();
            var series = new List<(string, IReadOnlyList<SampleRow>)>();
            foreach (var variant in options.Policies)
            {
                var sim = new Simulation(scenario, variant, options.Seed);
                var summary = sim.Run(Progress($"{scenario.Name}/{variant.Name}"));
                CsvFiles.WriteTimeSeries(CsvFiles.TimeSeriesPath(options.OutDirectory, scenario.Name, variant.Name), sim.Metrics.Samples);
                stdout.WriteLine($"{scenario.Name,-15} {variant.Name,-13} {summary.Events,12:N0} events {summary.WallSeconds,8:F1} s  peak {summary.PeakWorkingSetBytes / 1048576.0,8:N0} MB");
                runs.Add(summary);
                series.Add((variant.Name, sim.Metrics.Samples));
            }
            all.AddRange(runs);
            results.Add((scenario, runs));
            if (options.Plots) PlotScenario(scenario, series);
        }
        CsvFiles.WriteSummary(Path.Combine(options.OutDirectory, "summary.csv"), all);
        string? validation = null;
        if (options.Validate)
        {
            var result = Validation.Run(options.Seed, Progress);
            Validation.WriteFiles(options.OutDirectory, result, options.Plots);
            validation = Validation.Markdown(result, options.Plots);
        }
        var scale = options.ScaleSummary is { } path
            ? File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(RunSummary.FromCsv).ToList()
            : null;
        ReportWriter.Write(Path.Combine(options.OutDirectory, "report.md"), command, results, validation, options.Plots, scale);
        stdout.WriteLine($"wrote {Path.Combine(options.OutDirectory, "report.md")}");
        return all;
    }

    private Action<double>? Progress(string label) => options.Progress ? new ProgressBar(label, stderr).Report : null;

    private void PlotScenario(ScenarioSettings scenario, IReadOnlyList<(string, IReadOnlyList<SampleRow>)> series) =>
        TimePlots.Draw(options.OutDirectory, scenario, series);
}
