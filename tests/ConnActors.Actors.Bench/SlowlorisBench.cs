using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Storm;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Bench;

/// <summary>One listener under one slowloris: how many of an honest peer's pings got through, and how fast.</summary>
internal sealed record SlowlorisRun(string Listener, string Attack, int Attackers, int Attempts, int Succeeded, double MedianMs, double MaxMs, long AttackConnections);

/// <summary>
/// A slowloris from many loopback addresses (silent, then a byte a second) against a ConnActors node on the
/// desktop profile and against a js-libp2p listener with its defaults, in one run; meanwhile a js-libp2p peer
/// from 127.0.0.1 dials and pings, a fresh connection each time.
/// </summary>
internal static class SlowlorisBench
{
    private static readonly TimeSpan AttackSettles = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<SlowlorisRun>> RunAsync(int attackers, int attempts, Action<string> log)
    {
        var runs = new List<SlowlorisRun>();
        await using var honest = await PeerProcess.StartJsAsync();
        foreach (var trickle in new[] { false, true })
        {
            using (var system = ActorSystem.Create("bench", "akka.loglevel = WARNING\nakka.log-dead-letters = off"))
            {
                var settings = ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString("""
                    connactors { profile = desktop, libp2p.listen = ["/ip4/127.0.0.1/tcp/0"] }
                    """));
                await using var node = await ConnActorsNode.StartAsync(system, settings, PrivateKey.Generate());
                var address = node.Host.ListenAddresses[0].WithPeerId(node.Host.PeerId);
                runs.Add(await MeasureAsync("ConnActors node (desktop)", address, honest, attackers, attempts, trickle, log));
            }
            await using (var js = await PeerProcess.StartJsAsync())
            {
                runs.Add(await MeasureAsync("js-libp2p 3.3 (defaults)", js.Address, honest, attackers, attempts, trickle, log));
            }
            await using (var js = await PeerProcess.StartJsAsync())
            {
                // As in the storm benchmark: js-libp2p with a pending-handshake cap (64) like the node's.
                var capped = await js.RunAsync("startCapped", new { maxConnections = 192 });
                var address = Multiaddr.Parse(capped["addrs"]![0]!.GetValue<string>());
                runs.Add(await MeasureAsync("js-libp2p 3.3 (maxIncomingPendingConnections 64)", address, honest, attackers, attempts, trickle, log));
            }
        }
        return runs;
    }

    private static async Task<SlowlorisRun> MeasureAsync(string name, Multiaddr target, PeerProcess honest, int attackers, int attempts, bool trickle, Action<string> log)
    {
        var latencies = new List<double>();
        long opened;
        await using (var attack = new LoopbackSlowloris(target.ToTcpEndPoint()!, attackers, trickle))
        {
            await Task.Delay(AttackSettles);
            for (int i = 0; i < attempts; i++)
            {
                var watch = Stopwatch.StartNew();
                var reply = await honest.TryRunAsync("ping", new { addr = target.ToString() });
                if (reply["ok"]!.GetValue<bool>()) latencies.Add(watch.Elapsed.TotalMilliseconds);
                else log($"{name}: ping {i + 1} failed: {reply["error"]}");
                await honest.TryRunAsync("hangup", new { peer = target.PeerId!.ToString() });
            }
            opened = attack.Opened;
        }
        latencies.Sort();
        var run = new SlowlorisRun(name, trickle ? "1 byte/s" : "silent", attackers, attempts, latencies.Count,
            latencies.Count == 0 ? double.NaN : latencies[latencies.Count / 2], latencies.Count == 0 ? double.NaN : latencies[^1], opened);
        log(run.ToString());
        return run;
    }

    public static string ToMarkdown(IEnumerable<SlowlorisRun> runs)
    {
        var lines = new List<string>
        {
            "| listener | attack | attacking sockets | honest pings through | median connect+ping (ms) | slowest (ms) | attack connections opened |",
            "|---|---|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(runs.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Listener} | {r.Attack} | {r.Attackers} | {r.Succeeded}/{r.Attempts} | {(double.IsNaN(r.MedianMs) ? "–" : r.MedianMs.ToString("F0", CultureInfo.InvariantCulture))} | {(double.IsNaN(r.MaxMs) ? "–" : r.MaxMs.ToString("F0", CultureInfo.InvariantCulture))} | {r.AttackConnections:N0} |")));
        return string.Join('\n', lines);
    }
}
