using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ConnActors.Actors.Tests.Dht;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Bench;

/// <summary>
/// The DHT side by side: a swarm of js-libp2p Kad-DHT servers on loopback; a ConnActors node and a
/// js-libp2p node, one after the other, each in its own process with the same bootstrap peers and the
/// same cap, each holding 10 long-lived "pubsub-like" peers (an open stream each; pubsub slots for
/// ConnActors, a gossipsub-like tag for js) while it runs random-key lookups and provides. The ConnActors node runs
/// twice against the same swarm: as it is ("after") and with the slow-query rule of before the tail work
/// ("slow-p90", see <see cref="DhtNodeProgram"/>). Measures
/// latency and hops, connections opened, the peak, what is still open 30 s after the last operation,
/// long-lived peers ever lost, and the process's CPU and RSS.
/// </summary>
internal static class DhtBench
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SwarmBudget = TimeSpan.FromMinutes(20);

    // kad-dht's routing-table pings (at least 5 s by default) time out on this loaded machine: the swarm gets 20 s,
    // the measured js node the ConnActors node's request timeout (connactors.dht.request-timeout, 10 s).
    private const int SwarmPingTimeoutMs = 20_000;
    private const int MeasuredPingTimeoutMs = 10_000;

    // One dial, TCP connect to a ready muxer, as long for both measured nodes: the ConnActors node's libp2p.dial-timeout
    // (connect) plus handshake-timeout (noise and yamux), given to js-libp2p's dialTimeout and addressDialTimeout (by
    // default 10 s and 6 s: under load every dial of the js node to the swarm failed at 6 s while the ConnActors node's
    // dials to the same servers took up to 9 s and succeeded).
    private static readonly int MeasuredDialTimeoutMs = DialTimeoutOfTheNode();

    public static async Task<IReadOnlyList<DhtRun>> RunAsync(int servers, int lookups, int provides, int cap, Action<string> log)
    {
        int processes = Math.Max(1, servers / 50);
        var watch = Stopwatch.StartNew();
        await using var swarm = await JsDhtSwarm.LaunchAsync(processes, servers / processes, progress: log, pingTimeoutMs: SwarmPingTimeoutMs);
        log($"{swarm.Nodes.Count} js DHT servers in {processes} processes started in {watch.Elapsed.TotalSeconds:0} s");
        int accepted = await DhtSwarmWaves.BootstrapAsync(swarm, wavePerProcess: 10, SwarmBudget, log);
        var sizes = await swarm.RoutingTableSizesAsync();
        log($"swarm bootstrapped after {watch.Elapsed.TotalSeconds:0} s: {accepted} of {swarm.Nodes.Count} with a non-empty routing table ({DhtSwarmWaves.Describe(sizes)})");
        await using var longLived = await PeerProcess.StartJsAsync(script: "dht-peer.mjs");
        var heldReply = await longLived.RunAsync("start", new { count = 9, dht = false });
        var held = heldReply["nodes"]!.AsArray().Select(n => n!["addrs"]![0]!.GetValue<string>()).Prepend(longLived.Address.ToString()).ToArray();
        // Both measured nodes start from the seeds and from 8 more swarm nodes whose tables are not empty: on a loaded
        // machine a seed may not take a new connection in time (a js node once got none and measured an empty DHT).
        var bootstrap = swarm.Bootstrap.Concat(swarm.Nodes.Where((n, i) => n.Index != 0 && sizes[i] > 0).Take(8)).Select(b => b.Address.ToString()).ToArray();

        var runs = new List<DhtRun>();
        // The node as it is, then js, then the node as before: the comparison that matters first, under the closest load.
        await RunConnActorsAsync(DhtNodeProgram.Variants[0]);
        await using (var js = await PeerProcess.StartJsAsync(script: $"dht-peer.mjs --max-connections={cap} --client --ping-timeout-ms={MeasuredPingTimeoutMs} --dial-timeout-ms={MeasuredDialTimeoutMs}"))
        {
            var connected = await js.RunAsync("connectMany", new { first = 0, count = 1, addrs = bootstrap });
            log($"js node (dial timeouts {MeasuredDialTimeoutMs} ms): connected to {connected["connected"]} of {bootstrap.Length} bootstrap peers, dials took {connected["dialMsMedian"]} ms at the median and {connected["dialMsMax"]} ms at most {connected["errors"]?.ToJsonString()}");
            runs.Add(await MeasureAsync(js.ProcessId, "js-libp2p 3.3 + @libp2p/kad-dht 16.4", js, held, servers, lookups, provides, log));
            log(ToMarkdown(runs[^1..]));
        }
        foreach (var variant in DhtNodeProgram.Variants.Skip(1)) await RunConnActorsAsync(variant);
        return runs;

        async Task RunConnActorsAsync(string variant)
        {
            await using var connactors = await PeerProcess.StartCsharpListenerAsync($"dht-node {cap} {variant} {string.Join(' ', bootstrap)}");
            runs.Add(await MeasureAsync(connactors.ProcessId, $"ConnActors (C#), {variant}", connactors, held, servers, lookups, provides, log));
            log(ToMarkdown(runs[^1..]));
        }
    }

    private static async Task<DhtRun> MeasureAsync(int pid, string name, PeerProcess node, string[] held, int servers, int lookups, int provides, Action<string> log)
    {
        await node.RunAsync("hold", new { addrs = held });
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((await node.RunAsync("routingTableSize"))["size"]!.GetValue<int>() < Math.Min(20, servers / 2) && DateTime.UtcNow < deadline) await Task.Delay(500);
        log($"{name}: routing table {(await node.RunAsync("routingTableSize"))["size"]} peers when its lookups start");
        var before = ProcessMeter.Read(pid);
        var latencies = new List<double>();
        var hops = new List<int>();
        var opened = new List<int>();
        var queried = new List<int>();
        var failedQueries = new List<int>();
        var provideOpened = new List<int>();
        var provideQueried = new List<int>();
        var provideReached = new List<int>();
        int every = provides == 0 ? int.MaxValue : Math.Max(1, (lookups + provides) / provides);
        int done = 0, provided = 0, failed = 0;
        var watch = Stopwatch.StartNew();
        for (int op = 0; op < lookups + provides; op++)
        {
            if (op % every == every - 1 && provided < provides)
            {
                var provide = await TryAsync(node, "provide", new { key = "1220" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) });
                if (provide is null) failed++;
                else
                {
                    provideOpened.Add(provide["opened"]!.GetValue<int>());
                    provideQueried.Add(provide["queried"]!.GetValue<int>());
                    provideReached.Add(provide["peers"]!.GetValue<int>());
                }
                provided++;
                continue;
            }
            if (done == lookups) continue;
            var reply = await TryAsync(node, "closest", null);
            if (reply is null)
            {
                failed++;
                done++;
                continue;
            }
            latencies.Add(reply["ms"]!.GetValue<double>());
            hops.Add(reply["hops"]!.GetValue<int>());
            opened.Add(reply["opened"]!.GetValue<int>());
            queried.Add(reply["queried"]!.GetValue<int>());
            failedQueries.Add(reply["failedQueries"]!.GetValue<int>());
            if (++done % 25 == 0) log($"{name}: {done} lookups, {provided} provides, {failed} failed, {watch.Elapsed.TotalSeconds:0} s");
        }
        var afterOps = await node.RunAsync("tally");
        await Task.Delay(Linger);
        var tally = await node.RunAsync("tally");
        var after = ProcessMeter.Read(pid);
        log($"{name}: {Describe(tally)}");
        latencies.Sort();
        hops.Sort();
        return new DhtRun(name, done, provided, failed, Percentile(latencies, 0.5), Percentile(latencies, 0.9), Percentile(latencies, 0.99), Percentile(hops, 0.5), Percentile(hops, 0.9),
            opened.DefaultIfEmpty(0).Average(), queried.DefaultIfEmpty(0).Average(), failedQueries.DefaultIfEmpty(0).Average(),
            new ProvideFigures(provideOpened.DefaultIfEmpty(0).Average(), provideQueried.DefaultIfEmpty(0).Average(), provideReached.DefaultIfEmpty(0).Average()),
            tally["opened"]!.GetValue<int>() / (double)(done + provided), afterOps["connections"]!.GetValue<int>(),
            tally["connections"]!.GetValue<int>(), tally["peak"]!.GetValue<int>(), tally["lostHeld"]!.AsArray().Count,
            after.CpuSeconds - before.CpuSeconds, after.RssBytes, watch.Elapsed, Describe(tally));
    }

    // A lookup or provide that failed or got no answer in time counts as failed; the run goes on.
    private static async Task<JsonObject?> TryAsync(PeerProcess node, string cmd, object? args)
    {
        try
        {
            var reply = await node.TryRunAsync(cmd, args);
            return reply["ok"]!.GetValue<bool>() ? reply : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static int DialTimeoutOfTheNode()
    {
        var libp2p = ConnActors.Actors.Configuration.ConnActorsSettings.FromConfig(Akka.Configuration.Config.Empty).Libp2p;
        return (int)(libp2p.DialTimeout + libp2p.HandshakeTimeout).TotalMilliseconds;
    }

    private static string Describe(JsonObject tally) =>
        string.Join(", ", tally.Where(p => p.Key is not ("id" or "ok")).Select(p => $"{p.Key} {p.Value?.ToJsonString()}"));

    private static double Percentile<T>(List<T> sorted, double p) where T : IConvertible =>
        sorted.Count == 0 ? 0 : Convert.ToDouble(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], System.Globalization.CultureInfo.InvariantCulture);

    public static string ToMarkdown(IReadOnlyList<DhtRun> runs)
    {
        var md = new StringBuilder();
        md.AppendLine("| node | lookups + provides (failed) | latency p50 / p90 / p99 (ms) | hops p50 / p90 | connections opened per lookup (by the lookup) | queries per lookup (failed) | per provide: connections opened / queries / records stored | connections opened per operation (all) | open right after the last operation | open 30 s later | peak connections | long-lived peers lost | CPU (s) | RSS (MiB) | wall (s) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            md.AppendLine($"| {r.Name} | {r.Lookups} + {r.Provides} ({r.Failed}) | {r.LatencyP50:0} / {r.LatencyP90:0} / {r.LatencyP99:0} | {r.HopsP50:0} / {r.HopsP90:0} | {r.OpenedPerLookup:0.0} | {r.QueriesPerLookup:0.0} ({r.FailedQueriesPerLookup:0.0}) | " +
                $"{r.PerProvide.Opened:0.0} / {r.PerProvide.Queries:0.0} / {r.PerProvide.Stored:0.0} | {r.OpenedPerOperation:0.0} | " +
                $"{r.OpenAfterOps} | {r.OpenAfter30s} | {r.Peak} | {r.LostLongLived} of 10 | {r.CpuSeconds:0.0} | {r.RssBytes / 1048576.0:0} | {r.Wall.TotalSeconds:0} |");
        }
        foreach (var r in runs) md.AppendLine().Append($"- {r.Name}: {r.Tally}");
        return md.AppendLine().ToString();
    }
}

/// <summary>One node's figures in the DHT side by side.</summary>
internal sealed record DhtRun(
    string Name, int Lookups, int Provides, int Failed, double LatencyP50, double LatencyP90, double LatencyP99, double HopsP50, double HopsP90,
    double OpenedPerLookup, double QueriesPerLookup, double FailedQueriesPerLookup, ProvideFigures PerProvide, double OpenedPerOperation, int OpenAfterOps, int OpenAfter30s, int Peak, int LostLongLived,
    double CpuSeconds, long RssBytes, TimeSpan Wall, string Tally);

/// <summary>Means over a node's provides that answered: connections the provide opened (its lookup's and its records'), its lookup's queries, and the peers that took its record.</summary>
internal sealed record ProvideFigures(double Opened, double Queries, double Stored);
