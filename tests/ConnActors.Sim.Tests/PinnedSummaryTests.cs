using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Tests;

/// <summary>
/// Pins the summaries of small runs to those the simulator gave before its memory and speed work (issue 13):
/// a change that alters results must say so (docs/simulator.md) and renew Pinned/summary-1000-nodes-10-min.csv.
/// </summary>
public class PinnedSummaryTests
{
    private static readonly string PinnedPath = Path.Combine(AppContext.BaseDirectory, "Pinned", "summary-1000-nodes-10-min.csv");

    public static TheoryData<string, string> Runs()
    {
        var runs = new TheoryData<string, string>();
        foreach (string line in File.ReadLines(PinnedPath).Skip(1).Where(l => l.Length > 0))
        {
            string[] fields = line.Split(',');
            runs.Add(fields[0], fields[1]);
        }
        return runs;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Summary_is_the_pinned_one(string scenario, string policy)
    {
        string expected = File.ReadLines(PinnedPath).Skip(1).Single(l => l.StartsWith($"{scenario},{policy},", StringComparison.Ordinal));
        var settings = ScenarioCatalog.Find(scenario)! with { Nodes = 1_000, DurationMs = 600_000 };
        var (_, summary) = SimTestRuns.Run(settings, policy, seed: 1);
        Assert.Equal(WithoutMachineFigures(expected), WithoutMachineFigures(summary.ToCsv()));
    }

    // Wall time (column 6) and peak working set (column 8) depend on the machine.
    private static string WithoutMachineFigures(string row)
    {
        string[] fields = row.Split(',');
        fields[5] = fields[7] = "";
        return string.Join(',', fields);
    }
}
