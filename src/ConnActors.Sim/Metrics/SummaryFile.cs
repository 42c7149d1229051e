using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Metrics;

/// <summary>
/// Reads a summary.csv written by earlier runs (<c>--report-from</c>, <c>--scale-summary</c>): a header of summary
/// columns, then one row per run. Anything else is refused with the file, the line and what is wrong, so a report is
/// never written from a file that only looks like a summary.
/// </summary>
internal static class SummaryFile
{
    // Every summary header starts with these columns, whatever fleet columns the writing version had.
    private static readonly string HeaderStart = string.Join(',', RunSummary.Header.Split(',').Take(8));

    /// <summary>The runs in <paramref name="path"/>; throws <see cref="FormatException"/> naming the file and line.</summary>
    public static IReadOnlyList<RunSummary> Read(string path)
    {
        var runs = new List<RunSummary>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (!line.StartsWith(HeaderStart, StringComparison.Ordinal))
                    throw new FormatException($"{path}, line 1: not a summary.csv header (expected it to start with '{HeaderStart}')");
                continue;
            }
            if (line.Length == 0) continue;
            runs.Add(Row(path, lineNumber, line));
        }
        if (lineNumber == 0) throw new FormatException($"{path}: the file is empty");
        if (runs.Count == 0) throw new FormatException($"{path}: a header but no runs");
        return runs;
    }

    private static RunSummary Row(string path, int lineNumber, string line)
    {
        RunSummary run;
        try
        {
            run = RunSummary.FromCsv(line);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"{path}, line {lineNumber}: {e.Message}", e);
        }
        if (ScenarioCatalog.Find(run.Scenario) is null) throw new FormatException($"{path}, line {lineNumber}: unknown scenario '{run.Scenario}'");
        if (run.Nodes <= 0 || !(run.SimulatedMinutes > 0))
            throw new FormatException($"{path}, line {lineNumber}: nodes and simulated minutes must be positive, were {run.Nodes} and {run.SimulatedMinutes}");
        return run;
    }
}
