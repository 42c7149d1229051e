using ConnActors.Sim.Metrics;

namespace ConnActors.Sim.Tests;

public class CliTests
{
    [Theory]
    [InlineData("")]
    [InlineData("--scenario dht-heavy")]
    [InlineData("--out x")]
    [InlineData("--scenario nope --out x")]
    [InlineData("--scenario dht-heavy --out x --policy v3")]
    [InlineData("--scenario dht-heavy --out x --nodes ten")]
    [InlineData("--scenario dht-heavy --out x --nodes 3")]
    [InlineData("--scenario dht-heavy --out x --seed -1")]
    [InlineData("--scenario dht-heavy --out x --minutes 0")]
    [InlineData("--scenario dht-heavy --out")]
    [InlineData("--scenario dht-heavy --out x --frobnicate")]
    [InlineData("--scenario dht-heavy --out x --parallel 0")]
    [InlineData("--scenario dht-heavy --out x --parallel two")]
    [InlineData("--scenario fleet --out x --fleet-capacity 0")]
    [InlineData("--scenario fleet --out x --fleet-capacity lots")]
    [InlineData("--scenario dht-heavy --out x --fleet-capacity 0.5")]
    [InlineData("--report-from no-such-summary.csv --out x")]
    [InlineData("--report-from no-such-summary.csv")]
    public void Bad_arguments_print_usage_and_exit_non_zero(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SimProgram.Run(args, stdout, stderr);
        Assert.Equal(2, code);
        Assert.Contains("error:", stderr.ToString());
        Assert.Contains("Usage: ConnActors.Sim", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public void A_run_writes_csvs_plots_and_the_report()
    {
        string dir = Path.Combine(Path.GetTempPath(), "connactors-sim-" + Guid.NewGuid().ToString("N"));
        try
        {
            var stdout = new StringWriter();
            int code = SimProgram.Run(["--scenario", "fleet-backbone", "--nodes", "300", "--minutes", "5", "--policy", "basic,v2", "--out", dir, "--quiet"], stdout, new StringWriter());
            Assert.Equal(0, code);
            Assert.True(File.Exists(Path.Combine(dir, "summary.csv")));
            Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "summary.csv")).Length);
            Assert.True(File.Exists(Path.Combine(dir, "fleet-backbone", "v2.csv")));
            Assert.True(new FileInfo(Path.Combine(dir, "fleet-backbone-load.png")).Length > 1_000);
            string report = File.ReadAllText(Path.Combine(dir, "report.md"));
            Assert.Contains("## fleet-backbone", report);
            Assert.Contains("--scenario fleet-backbone", report);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Runs_side_by_side_give_the_figures_of_runs_one_after_another()
    {
        string serial = Path.Combine(Path.GetTempPath(), "connactors-sim-" + Guid.NewGuid().ToString("N"));
        string parallel = serial + "-parallel";
        try
        {
            string[] common = ["--scenario", "all", "--nodes", "300", "--minutes", "4", "--policy", "basic,js-like,v2", "--quiet", "--no-plots"];
            Assert.Equal(0, SimProgram.Run([.. common, "--out", serial], new StringWriter(), new StringWriter()));
            Assert.Equal(0, SimProgram.Run([.. common, "--out", parallel, "--parallel", "4"], new StringWriter(), new StringWriter()));

            Assert.Equal(Figures(serial), Figures(parallel));
            foreach (string csv in Directory.GetFiles(serial, "*.csv", SearchOption.AllDirectories).Where(f => !f.EndsWith("summary.csv")))
                Assert.Equal(File.ReadAllText(csv), File.ReadAllText(Path.Combine(parallel, Path.GetRelativePath(serial, csv))));
        }
        finally
        {
            foreach (string dir in new[] { serial, parallel })
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    // summary.csv without the machine's figures (wall time, peak working set), in row order.
    private static List<RunSummary> Figures(string dir) =>
        File.ReadLines(Path.Combine(dir, "summary.csv")).Skip(1).Select(RunSummary.FromCsv).Select(r => r.WithoutMachineFigures()).ToList();

    [Fact]
    public void A_report_from_runs_made_apart_puts_them_side_by_side()
    {
        string dir = Directory.CreateTempSubdirectory("connactors-sim-report-from-").FullName;
        try
        {
            var scenario = SimTestRuns.Small("router-killing", nodes: 300, minutes: 3);
            var runs = new[] { "basic", "v2" }.Select(p => SimTestRuns.Run(scenario, p).Summary).ToList();
            string csv = Path.Combine(dir, "summary.csv");
            ConnActors.Sim.Output.CsvFiles.WriteSummary(csv, runs);
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            Assert.Equal(2, SimProgram.Run(["--report-from", csv, "--scenario", "dht-heavy", "--out", dir], stdout, stderr));
            Assert.Equal(0, SimProgram.Run(["--report-from", csv, "--out", dir], stdout, stderr));

            string report = File.ReadAllText(Path.Combine(dir, "report.md"));
            Assert.Contains("## What v2 buys you", report);
            Assert.Contains("| router-killing | policy work /node/min |", report);
            Assert.Contains("## router-killing", report);
            Assert.Contains("300 nodes, 3 simulated minutes", report);
            Assert.Contains("| metric | basic | v2 |", report);
            Assert.DoesNotContain("(300 nodes", report);

            // Written again with rows of runs made at another size (the 1M-node runs) in its top table.
            string scale = Path.Combine(dir, "scale.csv");
            ConnActors.Sim.Output.CsvFiles.WriteSummary(scale, runs);
            Assert.Equal(2, SimProgram.Run(["--report-from", csv, "--scale-summary", Path.Combine(dir, "none.csv"), "--out", dir], stdout, stderr));
            Assert.Equal(0, SimProgram.Run(["--report-from", csv, "--scale-summary", scale, "--out", dir], stdout, stderr));
            Assert.Contains("| router-killing (300 nodes, 3 min) | policy work /node/min |", File.ReadAllText(Path.Combine(dir, "report.md")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Scale_rows_from_several_files_keep_one_group_per_network_size()
    {
        string dir = Directory.CreateTempSubdirectory("connactors-sim-scale-files-").FullName;
        try
        {
            var small = SimTestRuns.Small("router-killing", nodes: 200, minutes: 2);
            var large = SimTestRuns.Small("router-killing", nodes: 300, minutes: 3);
            var smallRuns = new[] { "basic", "v2" }.Select(p => SimTestRuns.Run(small, p).Summary).ToList();
            var largeRuns = new[] { "basic", "v2" }.Select(p => SimTestRuns.Run(large, p).Summary).ToList();
            string csv = Path.Combine(dir, "summary.csv"), first = Path.Combine(dir, "small.csv"), second = Path.Combine(dir, "large.csv");
            ConnActors.Sim.Output.CsvFiles.WriteSummary(csv, largeRuns);
            ConnActors.Sim.Output.CsvFiles.WriteSummary(first, smallRuns);
            ConnActors.Sim.Output.CsvFiles.WriteSummary(second, largeRuns);
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            Assert.Equal(2, SimProgram.Run(["--report-from", csv, "--scale-summary", $"{first},{Path.Combine(dir, "none.csv")}", "--out", dir], stdout, stderr));
            Assert.Equal(2, SimProgram.Run(["--report-from", csv, "--scale-summary", ",", "--out", dir], stdout, stderr));
            Assert.Equal(0, SimProgram.Run(["--report-from", csv, "--scale-summary", $"{first},{second}", "--out", dir], stdout, stderr));

            string report = File.ReadAllText(Path.Combine(dir, "report.md"));
            // The rows as the report reads them back from the files.
            string V2Work(string file) => File.ReadLines(file).Skip(1).Select(RunSummary.FromCsv).Single(r => r.Policy == "v2")
                .WorkPerNodeMinute.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
            string smallV2 = V2Work(first), largeV2 = V2Work(second);
            Assert.Contains($"**{smallV2}**", report.Split('\n').Single(l => l.StartsWith("| router-killing (200 nodes, 2 min) | policy work /node/min |")));
            Assert.Contains($"**{largeV2}**", report.Split('\n').Single(l => l.StartsWith("| router-killing (300 nodes, 3 min) | policy work /node/min |")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
