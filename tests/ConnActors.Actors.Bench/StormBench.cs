using Akka.Actor;
using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Storm;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Bench;

/// <summary>
/// The inbound storm (js-libp2p dialers, several processes, all at once) against a ConnActors node and a
/// js-libp2p listener of the same cap, in one run: peak count over the cap, time to settle, CPU seconds, RSS.
/// </summary>
internal static class StormBench
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<StormRun>> RunAsync(int cap, int processes, int nodesPerProcess, Action<string> log)
    {
        var runs = new List<StormRun>();
        await using (var swarm = await JsSwarm.StartAsync(processes, nodesPerProcess))
        {
            runs.Add(await ConnActorsAsync(swarm, cap, log));
        }
        await using (var swarm = await JsSwarm.StartAsync(processes, nodesPerProcess))
        {
            runs.Add(await JsListenerAsync(swarm, cap, log));
        }
        return runs;
    }

    private static async Task<StormRun> ConnActorsAsync(JsSwarm swarm, int cap, Action<string> log)
    {
        using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING\nakka.log-dead-letters = off");
        var settings = ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString($$"""
            connactors {
              profile = desktop
              limits { hard-cap = {{cap}}, max-pending-handshakes = 64 }
              libp2p.listen = ["/ip4/127.0.0.1/tcp/0"]
            }
            """));
        await using var node = await ConnActorsNode.StartAsync(system, settings, PrivateKey.Generate());
        var address = node.Host.ListenAddresses[0].WithPeerId(node.Host.PeerId);
        int pid = Environment.ProcessId;
        GC.Collect();
        var before = ProcessMeter.Read(pid);
        var sampler = new PeakSampler(async () =>
        {
            var c = (await node.Manager.Ask<Manager.ManagerStatus>(Manager.GetManagerStatus.Instance, TimeSpan.FromSeconds(5))).Counts;
            return Math.Max(c.Connections + c.PendingInbound + c.PendingOutbound, node.Host.Connections.Count);
        });
        var result = await swarm.DialAllAsync(address, concurrencyPerProcess: 100);
        await Task.Delay(Quiet);
        await sampler.StopAsync();
        var after = ProcessMeter.Read(pid);
        log($"ConnActors: {result}; peak {sampler.Peak}");
        return new StormRun("ConnActors (C#, this process)", cap, swarm.Nodes, result.Succeeded, sampler.Peak, sampler.LastChangeSeconds,
            after.CpuSeconds - before.CpuSeconds, after.RssBytes, after.RssBytes - before.RssBytes);
    }

    private static async Task<StormRun> JsListenerAsync(JsSwarm swarm, int cap, Action<string> log)
    {
        await using var listener = await PeerProcess.StartJsAsync();
        var started = await listener.RunAsync("startCapped", new { maxConnections = cap });
        int index = started["node"]!.GetValue<int>();
        var address = Multiaddr.Parse(started["addrs"]![0]!.GetValue<string>());
        var before = ProcessMeter.Read(listener.ProcessId);
        var sampler = new PeakSampler(async () => (await listener.RunAsync("connectionCount", new { node = index }))["count"]!.GetValue<int>());
        var result = await swarm.DialAllAsync(address, concurrencyPerProcess: 100);
        await Task.Delay(Quiet);
        await sampler.StopAsync();
        var after = ProcessMeter.Read(listener.ProcessId);
        log($"js-libp2p: {result}; peak {sampler.Peak}");
        return new StormRun("js-libp2p 3.3.11 (maxConnections)", cap, swarm.Nodes, result.Succeeded, sampler.Peak, sampler.LastChangeSeconds,
            after.CpuSeconds - before.CpuSeconds, after.RssBytes, after.RssBytes - before.RssBytes);
    }

    public static string ToMarkdown(IReadOnlyList<StormRun> runs)
    {
        var lines = new List<string>
        {
            "| listener | cap | dial attempts | handshakes completed | peak count | peak over cap | settled after (s) | CPU (s) | RSS after (MB) | RSS delta (MB) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        };
        lines.AddRange(runs.Select(r => FormattableString.Invariant(
            $"| {r.Listener} | {r.Cap} | {r.Attempts} | {r.Succeeded} | {r.PeakCount} | {Math.Max(0, r.PeakCount - r.Cap)} | {r.SettleSeconds:0.0} | {r.CpuSeconds:0.0} | {r.RssBytes / 1048576.0:0} | {r.RssDeltaBytes / 1048576.0:0} |")));
        return string.Join("\n", lines);
    }
}
