namespace ConnActors.Cluster.Tests.Support;

/// <summary>How the cluster tests print a measured time: with the machine's load, since timings depend on it.</summary>
internal static class Measured
{
    public static string Line(string what, TimeSpan elapsed) =>
        $"MEASURED {what}: {elapsed.TotalSeconds:0.00} s (load average {LoadAverage()})";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
