using ConnActors.Sim.Metrics;

namespace ConnActors.Sim.Output;

/// <summary>Writes the CSV outputs: one time series per run, one summary over all runs.</summary>
internal static class CsvFiles
{
    public static string TimeSeriesPath(string outDir, string scenario, string policy) =>
        Path.Combine(outDir, scenario, $"{policy}.csv");

    public static void WriteTimeSeries(string path, IEnumerable<SampleRow> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var w = new StreamWriter(path);
        w.WriteLine(SampleRow.Header);
        foreach (var row in rows) w.WriteLine(row.ToCsv());
    }

    public static void WriteSummary(string path, IEnumerable<RunSummary> runs)
    {
        using var w = new StreamWriter(path);
        w.WriteLine(RunSummary.Header);
        foreach (var run in runs) w.WriteLine(run.ToCsv());
    }
}
