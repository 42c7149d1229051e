using ConnActors.Node.Tests.Support;
using ConnActors.Sim.Cli;

namespace ConnActors.Sim.Tests;

/// <summary>
/// A network far larger than the process may hold is refused at once, with usage and exit code 2, instead of being killed
/// when its memory runs out; the bound is below every peak measured per node, so nothing that could fit is refused.
/// </summary>
public class CliMemoryTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void Fifty_million_nodes_are_refused_before_anything_runs_naming_the_memory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "connactors-sim-mem-" + Guid.NewGuid().ToString("N"));
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = SimProgram.Run(["--scenario", "router-killing", "--nodes", "50000000", "--policy", "v2", "--quiet", "--out", dir], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Contains("error: --nodes: 50,000,000 nodes need at least 372.5 GiB", stderr.ToString());
        Assert.Contains("Usage: ConnActors.Sim", stderr.ToString());
        Assert.Equal("", stdout.ToString());
        Assert.False(Directory.Exists(dir));
    }

    [Theory]
    [InlineData("--nodes 1000000", 15, true)]      // the 1M runs of docs/simulator.md, under a 15 GiB heap limit
    [InlineData("--nodes 2100000", 15, false)]
    [InlineData("--nodes 1000000 --policy basic,v2 --parallel 2", 12, false)]
    [InlineData("--nodes 1000000 --policy basic,v2 --parallel 2", 24, true)]
    [InlineData("--nodes 1000000 --policy v2 --parallel 2", 12, true)] // one run: --parallel has nothing to run beside it
    [InlineData("", 1, true)]                       // the scenario's own 10,000 nodes
    public void The_largest_network_times_the_runs_at_once_is_checked_against_the_memory(string extra, int gib, bool fits)
    {
        var args = $"--scenario router-killing --out x {extra}".Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!args.Contains("--policy")) args = [.. args, "--policy", "v2"];
        var options = CliOptions.Parse(args);

        var refusal = Record.Exception(() => options.CheckMemory(gib * GiB));

        if (fits) Assert.Null(refusal);
        else Assert.Contains("GiB this process may use", Assert.IsType<UsageException>(refusal).Message);
    }

    [Theory]
    [InlineData("docs/sim-report/large-1m/summary.csv")]
    [InlineData("docs/sim-report/large-100k/summary.csv")]
    public void The_bound_is_below_the_peak_of_every_large_run_on_record(string summary)
    {
        var rows = Metrics.SummaryFile.Read(RepositoryFolder.Of(summary));
        Assert.NotEmpty(rows);
        foreach (var row in rows.Where(r => r.Nodes >= 100_000))
            Assert.True(row.PeakWorkingSetBytes > CliOptions.LeastBytesPerNode * row.Nodes, $"{row.Scenario} {row.Policy} at {row.Nodes:N0} nodes: {row.PeakWorkingSetBytes:N0} B");
    }
}
