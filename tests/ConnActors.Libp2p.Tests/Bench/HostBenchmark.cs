using System.Diagnostics;
using System.Globalization;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Bench;

/// <summary>One listener measured at one connection count.</summary>
internal sealed record BenchResult(string Listener, int Connections, double HandshakesPerSecond, double BaselineMiB, double HeldMiB, double KiBPerConnection, int FailedDials);

/// <summary>
/// Whole-node benchmark: a C# dialer opens N connections (64 at a time) to a listener in its own process
/// (ConnActors or js-libp2p), measuring inbound handshakes per second and the listener's RSS per held connection.
/// </summary>
internal static class HostBenchmark
{
    public const int Concurrency = 64;

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    public static async Task<List<BenchResult>> RunAsync(IReadOnlyList<int> counts, Action<string> log)
    {
        var listeners = new (string Name, Func<Task<PeerProcess>> Start)[]
        {
            ("ConnActors.Libp2p (C#)", PeerProcess.StartCsharpListenerAsync),
            ("js-libp2p 3.3", () => PeerProcess.StartJsAsync(exposeGc: true)),
        };
        var results = new List<BenchResult>();
        foreach (var count in counts)
        {
            foreach (var (name, start) in listeners)
            {
                var result = await MeasureAsync(name, start, count);
                log($"{result}");
                results.Add(result);
            }
        }
        return results;
    }

    private static async Task<BenchResult> MeasureAsync(string name, Func<Task<PeerProcess>> start, int count)
    {
        await using var listener = await start();
        var baseline = await SettledRssAsync(listener);
        await using var dialer = await Libp2pHost.StartAsync(new HostOptions
        {
            Identity = PrivateKey.Generate(),
            IdentifyOnConnect = false,
            DialTimeout = TimeSpan.FromSeconds(60),
            HandshakeTimeout = TimeSpan.FromSeconds(60),
        });
        var failed = 0;
        using var slots = new SemaphoreSlim(Concurrency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await slots.WaitAsync();
            try { await dialer.DialAsync(listener.Address); }
            catch (HandshakeFailedException) { Interlocked.Increment(ref failed); }
            finally { slots.Release(); }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var deadline = DateTime.UtcNow + SettleTimeout;
        while ((await listener.RunAsync("connectionCount"))["count"]!.GetValue<int>() < count - failed && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        await Task.Delay(2000); // the listener's own identify round on each connection finishes
        var held = await SettledRssAsync(listener);
        var succeeded = Math.Max(1, count - failed);
        return new BenchResult(name, count, succeeded / elapsed.TotalSeconds, baseline / 1048576.0, held / 1048576.0,
            (held - baseline) / 1024.0 / succeeded, failed);
    }

    private static async Task<long> SettledRssAsync(PeerProcess process)
    {
        await process.RunAsync("gc");
        await Task.Delay(500);
        return RssBytes(process.ProcessId);
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
            "| listener | connections held | inbound handshakes/s | listener RSS before (MiB) | RSS holding them (MiB) | RSS per connection (KiB) | failed dials |",
            "|---|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Listener} | {r.Connections - r.FailedDials:N0} | {r.HandshakesPerSecond:F0} | {r.BaselineMiB:F1} | {r.HeldMiB:F1} | {r.KiBPerConnection:F1} | {r.FailedDials} |")));
        return string.Join('\n', lines);
    }
}
