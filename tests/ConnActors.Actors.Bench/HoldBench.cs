using System.Diagnostics;
using System.Globalization;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Bench;

/// <summary>One listener holding (or trying to hold) the run's connections.</summary>
internal sealed record HoldRun(
    string Listener, int Target, int Held, int Peers, int? Trimmed, double AdmissionsPerSecond, double CpuSeconds,
    long RssBeforeBytes, long RssHeldBytes, long? ManagedBeforeBytes, long? ManagedHeldBytes, int FailedDials, bool OutOfTime)
{
    public double RssPerConnectionKiB => (RssHeldBytes - RssBeforeBytes) / 1024.0 / Math.Max(1, Held);

    public double? ManagedPerConnectionKiB => ManagedHeldBytes - ManagedBeforeBytes is { } delta ? delta / 1024.0 / Math.Max(1, Held) : null;
}

/// <summary>
/// A node holding N connections from N distinct peers: N C# dialer hosts (one identity each, 64 dials at a
/// time) connect to a listener in its own process — the whole ConnActors node, the bare libp2p host it
/// governs, and a js-libp2p 3.3.11 node — in the same run. Measures admissions (completed inbound
/// handshakes) per second, the listener's CPU seconds while admitting, and its RSS and managed heap per
/// held connection (the difference between node and bare host is the actor layer's cost per peer).
/// </summary>
internal static class HoldBench
{
    private const int Concurrency = 64;
    private const int WarmUp = 300;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    public static async Task<IReadOnlyList<HoldRun>> RunAsync(int count, TimeSpan dialBudget, Action<string> log)
    {
        // Low water (70% of the cap) stays above count: 10,000 distinct peers arriving at several hundred
        // a second are an arrival spike, and a spike that would cross high water trims to low water.
        int hardCap = count * 3 / 2 + 100;
        var listeners = new (string Name, Func<Task<PeerProcess>> Start)[]
        {
            ("ConnActors node (manager + PeerActors + host)", () => PeerProcess.StartCsharpListenerAsync($"node-listen {hardCap}")),
            ("ConnActors.Libp2p host alone", () => PeerProcess.StartCsharpListenerAsync("host-listen")),
            ("js-libp2p 3.3.11 (maxConnections 20000)", () => PeerProcess.StartJsAsync(exposeGc: true)),
        };
        var dialers = new List<Libp2pHost>(count);
        for (int i = 0; i < count; i++)
        {
            dialers.Add(await Libp2pHost.StartAsync(new HostOptions
            {
                Identity = PrivateKey.Generate(),
                IdentifyOnConnect = false,
                DialTimeout = TimeSpan.FromSeconds(60),
                HandshakeTimeout = TimeSpan.FromSeconds(60),
            }));
        }
        var runs = new List<HoldRun>();
        try
        {
            foreach (var (name, start) in listeners)
            {
                var run = await MeasureAsync(name, start, dialers, dialBudget);
                log(run.ToString());
                runs.Add(run);
            }
        }
        finally
        {
            foreach (var dialer in dialers) await dialer.DisposeAsync();
        }
        return runs;
    }

    private static async Task<HoldRun> MeasureAsync(string name, Func<Task<PeerProcess>> start, IReadOnlyList<Libp2pHost> dialers, TimeSpan dialBudget)
    {
        await using var listener = await start();
        var warm = await DialAllAsync(dialers.Take(WarmUp).ToList(), listener.Address, SettleTimeout);
        await CloseAllAsync(dialers);
        await WaitForAsync(async () => await HeldAsync(listener) == 0);
        long? managedBefore = await CollectAsync(listener);
        var before = ProcessMeter.Read(listener.ProcessId);

        var dial = await DialAllAsync(dialers, listener.Address, dialBudget);
        int succeeded = dialers.Count - dial.Failed - dial.Skipped;
        var admitted = ProcessMeter.Read(listener.ProcessId);
        await WaitForAsync(async () => await HeldAsync(listener) >= succeeded);
        await Task.Delay(2000); // the listener's identify round on each connection finishes
        long? managedHeld = await CollectAsync(listener);
        var held = ProcessMeter.Read(listener.ProcessId);
        int count = await HeldAsync(listener);
        int peers = count;
        int? trimmed = null;
        var status = await listener.TryRunAsync("status");
        if (status["ok"]!.GetValue<bool>())
        {
            peers = status["peers"]!.GetValue<int>();
            trimmed = status["trimmed"]!.GetValue<int>();
        }
        await CloseAllAsync(dialers);
        return new HoldRun(name, dialers.Count, count, peers, trimmed, succeeded / dial.Elapsed.TotalSeconds, admitted.CpuSeconds - before.CpuSeconds,
            before.RssBytes, held.RssBytes, managedBefore, managedHeld, dial.Failed + warm.Failed, dial.Skipped > 0);
    }

    private static async Task<(int Failed, int Skipped, TimeSpan Elapsed)> DialAllAsync(IReadOnlyList<Libp2pHost> dialers, Multiaddr address, TimeSpan budget)
    {
        int failed = 0, skipped = 0;
        using var slots = new SemaphoreSlim(Concurrency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(dialers.Select(async dialer =>
        {
            await slots.WaitAsync();
            try
            {
                if (Stopwatch.GetElapsedTime(started) > budget) Interlocked.Increment(ref skipped);
                else await dialer.DialAsync(address);
            }
            catch (HandshakeFailedException) { Interlocked.Increment(ref failed); }
            finally { slots.Release(); }
        }));
        return (failed, skipped, Stopwatch.GetElapsedTime(started));
    }

    private static async Task CloseAllAsync(IEnumerable<Libp2pHost> dialers) =>
        await Task.WhenAll(dialers.SelectMany(d => d.Connections.Select(c => d.CloseConnectionAsync(c, "bench run done"))));

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(200);
    }

    private static async Task<int> HeldAsync(PeerProcess listener) =>
        (await listener.RunAsync("connectionCount"))["count"]!.GetValue<int>();

    // Full collection in the listener, then its managed heap (null for js, which reports no such figure).
    private static async Task<long?> CollectAsync(PeerProcess listener)
    {
        var reply = await listener.RunAsync("gc");
        await Task.Delay(500);
        return reply["managedBytes"]?.GetValue<long>();
    }

    public static string ToMarkdown(IEnumerable<HoldRun> runs)
    {
        var lines = new List<string>
        {
            "| listener | target | connections held | distinct peers | trimmed | admissions/s | CPU while admitting (s) | RSS before (MiB) | RSS holding (MiB) | RSS per connection (KiB) | managed heap per connection (KiB) | failed dials |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(runs.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Listener} | {r.Target:N0} | {r.Held:N0}{(r.OutOfTime ? " (dial budget spent)" : "")} | {r.Peers:N0} | {(r.Trimmed is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "n/a")} | {r.AdmissionsPerSecond:F0} | {r.CpuSeconds:F1} | {r.RssBeforeBytes / 1048576.0:F1} | {r.RssHeldBytes / 1048576.0:F1} | {r.RssPerConnectionKiB:F1} | {(r.ManagedPerConnectionKiB is { } m ? m.ToString("F2", CultureInfo.InvariantCulture) : "n/a")} | {r.FailedDials} |")));
        return string.Join('\n', lines);
    }
}
