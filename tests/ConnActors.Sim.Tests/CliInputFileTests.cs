using ConnActors.Sim.Cli;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Policies;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Tests;

/// <summary>
/// Files and directories the command line names: a summary.csv that is not one, or an output directory that cannot be
/// written, is refused with usage and exit code 2 before anything runs, naming the file and what is wrong.
/// </summary>
public sealed class CliInputFileTests : IDisposable
{
    private static readonly Lazy<string> ValidRow = new(() =>
        SimTestRuns.Run(SimTestRuns.Small("router-killing", nodes: 300, minutes: 1), "v2").Summary.ToCsv());

    private readonly string _dir = Directory.CreateTempSubdirectory("connactors-sim-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> MalformedSummaries => new()
    {
        { "", "the file is empty" },
        { "hello\n", "line 1: not a summary.csv header" },
        { "{header}\n", "a header but no runs" },
        { "{header}\na,b\n", "line 2: a summary row has" },
        { "{header}\n{row}\n{row:seed=x}\n", "line 3:" },
        { "{header}\n{row:scenario=nope}\n", "line 2: unknown scenario 'nope'" },
        { "{header}\n{row:nodes=0}\n", "line 2: nodes and simulated minutes must be positive" },
    };

    [Theory]
    [MemberData(nameof(MalformedSummaries))]
    public void A_malformed_report_from_file_is_refused_naming_the_line(string content, string reason)
    {
        string csv = Write("bad.csv", content);
        string outDir = Path.Combine(_dir, "out");

        var (code, stdout, stderr) = Run("--report-from", csv, "--out", outDir);

        Assert.Equal(2, code);
        Assert.Contains($"error: --report-from: {csv}", stderr);
        Assert.Contains(reason, stderr);
        Assert.Contains("Usage: ConnActors.Sim", stderr);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(Path.Combine(outDir, "report.md")));
    }

    [Theory]
    [MemberData(nameof(MalformedSummaries))]
    public void A_malformed_scale_summary_is_refused_before_any_run(string content, string reason)
    {
        string good = Write("good.csv", $"{RunSummary.Header}\n{ValidRow.Value}\n");
        string bad = Write("bad.csv", content);
        string outDir = Path.Combine(_dir, "out");

        var (code, stdout, stderr) = Run("--scenario", "router-killing", "--nodes", "300", "--minutes", "1", "--policy", "v2",
            "--quiet", "--no-plots", "--scale-summary", $"{good},{bad}", "--out", outDir);

        Assert.Equal(2, code);
        Assert.Contains($"error: --scale-summary: {bad}", stderr);
        Assert.Contains(reason, stderr);
        // Nothing ran: no run's line, no summary.
        Assert.Equal("", stdout);
        Assert.False(File.Exists(Path.Combine(outDir, "summary.csv")));
    }

    [Fact]
    public void A_well_formed_summary_is_read_back_row_for_row()
    {
        string csv = Write("good.csv", $"{RunSummary.Header}\n{ValidRow.Value}\n\n{ValidRow.Value}\n");

        var runs = SummaryFile.Read(csv);

        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(ValidRow.Value, r.ToCsv()));
    }

    [Fact]
    public void An_output_directory_that_is_a_file_is_refused_and_the_file_kept()
    {
        string file = Write("a-file", "keep me");

        foreach (string outDir in new[] { file, Path.Combine(file, "sub") })
        {
            var (code, stdout, stderr) = Run("--scenario", "router-killing", "--nodes", "300", "--minutes", "1", "--policy", "v2",
                "--quiet", "--no-plots", "--out", outDir);

            Assert.Equal(2, code);
            Assert.Contains($"error: --out: cannot write to '{outDir}'", stderr);
            Assert.Contains("Usage: ConnActors.Sim", stderr);
            Assert.Equal("", stdout);
        }
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void The_usage_names_every_policy_and_scenario_the_command_line_accepts()
    {
        foreach (var variant in PolicyVariant.Named) Assert.Contains(variant.Name, CliOptions.Usage);
        foreach (var scenario in ScenarioCatalog.Named) Assert.Contains(scenario.Name, CliOptions.Usage);
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content.Replace("{header}", RunSummary.Header).Replace("{row}", ValidRow.Value)
            .Replace("{row:seed=x}", WithField(3, "x")).Replace("{row:scenario=nope}", WithField(0, "nope")).Replace("{row:nodes=0}", WithField(2, "0")));
        return path;
    }

    private static string WithField(int index, string value)
    {
        var fields = ValidRow.Value.Split(',');
        fields[index] = value;
        return string.Join(',', fields);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SimProgram.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
