using System.Diagnostics;
using System.Globalization;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Bench;

/// <summary>One listener measured at one connection count.</summary>
internal sealed record BenchResult(string Listener, int Target, int Held, double HandshakesPerSecond, double CpuMsPerConnection, double BaselineMiB, double HeldMiB, double KiBPerConnection, int FailedDials, bool OutOfTime);

/// <summary>
/// Whole-node benchmark: a C# dialer opens N connections (64 at a time) to a listener in its own process
/// (ConnActors or js-libp2p), measuring inbound handshakes per second, the listener's CPU time per connection
/// while it admits them, and its RSS per held connection.
/// A run that has not reached its target within the dial budget stops dialing and reports what it holds.
/// </summary>
internal static class HostBenchmark
{
    public const int Concurrency = 64;

    /// <summary>Connections (at most the run's target) opened and closed before measuring, so both runtimes run warmed-up code.</summary>
    public const int WarmUpConnections = 300;

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    public static async Task<List<BenchResult>> RunAsync(IReadOnlyList<int> counts, TimeSpan dialBudget, Action<string> log)
    {
        var listeners = new (string Name, Func<Task<PeerProcess>> Start)[]
        {
            ("ConnActors.Libp2p (C#)", () => PeerProcess.StartCsharpListenerAsync()),
            ("js-libp2p 3.3", () => PeerProcess.StartJsAsync(exposeGc: true)),
        };
        var results = new List<BenchResult>();
        foreach (var count in counts)
        {
            foreach (var (name, start) in listeners)
            {
                var result = await MeasureAsync(name, start, count, dialBudget);
                log($"{result}");
                results.Add(result);
            }
        }
        return results;
    }

    private static async Task<BenchResult> MeasureAsync(string name, Func<Task<PeerProcess>> start, int count, TimeSpan dialBudget)
    {
        await using var listener = await start();
        await using var dialer = await Libp2pHost.StartAsync(new HostOptions
        {
            Identity = PrivateKey.Generate(),
            IdentifyOnConnect = false,
            DialTimeout = TimeSpan.FromSeconds(60),
            HandshakeTimeout = TimeSpan.FromSeconds(60),
        });
        var warm = await DialManyAsync(dialer, listener.Address, Math.Min(WarmUpConnections, count), SettleTimeout);
        await Task.WhenAll(warm.Connections.Select(c => dialer.CloseConnectionAsync(c, "warm-up done")));
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (await HeldAsync(listener) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        var baseline = await SettledRssAsync(listener);

        var cpuBefore = CpuTime(listener.ProcessId);
        var (_, failed, skipped, elapsed) = await DialManyAsync(dialer, listener.Address, count, dialBudget);
        var succeeded = count - failed - skipped;
        deadline = DateTime.UtcNow + SettleTimeout;
        while (await HeldAsync(listener) < succeeded && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        await Task.Delay(2000); // the listener's own identify round on each connection finishes
        var cpuMs = (CpuTime(listener.ProcessId) - cpuBefore).TotalMilliseconds / Math.Max(1, succeeded);
        var rss = await SettledRssAsync(listener);
        var held = await HeldAsync(listener);
        return new BenchResult(name, count, held, succeeded / elapsed.TotalSeconds, cpuMs, baseline / 1048576.0, rss / 1048576.0,
            (rss - baseline) / 1024.0 / Math.Max(1, held), failed, skipped > 0);
    }

    /// <summary>Dials <paramref name="count"/> connections, <see cref="Concurrency"/> at a time, starting none after the budget.</summary>
    private static async Task<(List<Libp2pConnection> Connections, int Failed, int Skipped, TimeSpan Elapsed)> DialManyAsync(
        Libp2pHost dialer, Multiaddr address, int count, TimeSpan budget)
    {
        int failed = 0, skipped = 0;
        var connections = new System.Collections.Concurrent.ConcurrentBag<Libp2pConnection>();
        using var slots = new SemaphoreSlim(Concurrency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await slots.WaitAsync();
            try
            {
                if (Stopwatch.GetElapsedTime(started) > budget) Interlocked.Increment(ref skipped);
                else connections.Add(await dialer.DialAsync(address));
            }
            catch (HandshakeFailedException) { Interlocked.Increment(ref failed); }
            finally { slots.Release(); }
        }));
        return (connections.ToList(), failed, skipped, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<int> HeldAsync(PeerProcess listener) =>
        (await listener.RunAsync("connectionCount"))["count"]!.GetValue<int>();

    private static async Task<long> SettledRssAsync(PeerProcess process)
    {
        await process.RunAsync("gc");
        await Task.Delay(500);
        return RssBytes(process.ProcessId);
    }

    /// <summary>User + system CPU time of a process from /proc (Linux), the same measure for both runtimes.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of stat (utime, stime) in clock ticks of 1/100 s; the text after ')' starts at field 3.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Resident set size from /proc (Linux), the same measure for both runtimes.</summary>
    public static long RssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kb * 1024;
    }

    public static string ToMarkdown(IEnumerable<BenchResult> results)
    {
        var lines = new List<string>
        {
            "| listener | target | connections held | inbound handshakes/s | listener CPU per connection (ms) | listener RSS before (MiB) | RSS holding them (MiB) | RSS per connection (KiB) | failed dials |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Listener} | {r.Target:N0} | {r.Held:N0}{(r.OutOfTime ? " (dial budget spent)" : "")} | {r.HandshakesPerSecond:F0} | {r.CpuMsPerConnection:F2} | {r.BaselineMiB:F1} | {r.HeldMiB:F1} | {r.KiBPerConnection:F1} | {r.FailedDials} |")));
        return string.Join('\n', lines);
    }
}
