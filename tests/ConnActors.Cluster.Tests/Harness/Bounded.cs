using System.Diagnostics;

namespace ConnActors.Cluster.Tests.Harness;

/// <summary>Bounded waiting: every wait of the harness ends, and a failed one says what it saw last.</summary>
internal static class Bounded
{
    /// <summary>How often a condition is polled.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The least time given to one probe of a condition, even past the deadline (so the last look is a real look).</summary>
    public static readonly TimeSpan MinimumProbeTime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; after <paramref name="timeout"/> throws a
    /// <see cref="TimeoutException"/> whose message is <paramref name="what"/> and the state at the deadline
    /// (<paramref name="describe"/>, evaluated then).
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= timeout)
                throw new TimeoutException($"{what}: not reached within {Show(timeout)}. At the deadline:{Environment.NewLine}{describe()}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Awaits <paramref name="task"/> for at most <paramref name="timeout"/>, failing with <paramref name="what"/>.</summary>
    public static async Task WithinAsync(Task task, TimeSpan timeout, string what)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: not done within {Show(timeout)}");
        }
    }

    /// <summary>A duration as specs print it, e.g. "8.42 s".</summary>
    public static string Show(TimeSpan duration) => $"{duration.TotalSeconds:0.00} s";
}
