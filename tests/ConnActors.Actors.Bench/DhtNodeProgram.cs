using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Tests.Bench;

namespace ConnActors.Actors.Bench;

/// <summary>
/// The DHT benchmark's ConnActors node in its own process (so its CPU and memory are its own), driven over
/// the JSON-line protocol of tests/interop/dht-peer.mjs: lookups, provides, long-lived peers held by the
/// pubsub subsystem with an open stream each, and its counters. Client mode, desktop profile, a hard cap.
/// </summary>
internal static class DhtNodeProgram
{
    public const string HoldProtocol = "/connactors/bench/hold/1.0.0";
    private static readonly TimeSpan Ask = TimeSpan.FromMinutes(2);

    /// <summary>The variants the benchmark runs: the node as it is, and with the slow-query rule of before the tail work.</summary>
    public static readonly string[] Variants = ["after", "slow-p90"];

    public static async Task RunAsync(int hardCap, string variant, IReadOnlyList<string> bootstrap)
    {
        using var system = ActorSystem.Create("dht-node", "akka.loglevel = WARNING\nakka.log-dead-letters = off");
        // The 10 long-lived peers are pubsub's: it reserves 10 (by default 15% of 64 = 9, and the tenth could be trimmed).
        // "slow-p90": a query is slow after 3 times the 90th percentile of recent answered queries, as before the tail work.
        string before = variant == "slow-p90" ? "dht.slow-query-percentile = 90" : "";
        var settings = ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString($$"""
            connactors {
              profile = desktop
              limits.hard-cap = {{hardCap}}
              libp2p.listen = ["/ip4/127.0.0.1/tcp/0"]
              quotas.pubsub.reserved = 10
              dht {
                mode = client
                bootstrap = [{{string.Join(", ", bootstrap.Select(b => $"\"{b}\""))}}]
              }
              {{before}}
            }
            """));
        if (Environment.GetEnvironmentVariable("DHT_TIMELINE") is { Length: > 0 } timeline) system.ActorOf(DhtTimelineWriter.Props($"{timeline}.{variant}"), "dht-timeline");
        await using var node = await ConnActorsNode.StartAsync(system, settings, PrivateKey.Generate());
        var dht = node.Dht!;
        var held = new List<PeerId>();
        var lost = new HashSet<PeerId>();
        var streams = new List<Stream>();
        int peak = 0;
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, node.Host.Connections.Count);
                lock (held) foreach (var peer in held) if (!node.Host.ConnectionsTo(peer).Any()) lost.Add(peer);
                try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { }
            }
        });

        await JsonLineListener.ServeAsync(node.Host.PeerId, node.Host.ListenAddresses, async (message, reply) =>
        {
            switch (message["cmd"]!.GetValue<string>())
            {
                case "closest":
                    var closest = await dht.Ask<ClosestPeersFound>(new GetClosestPeers(KeyOf(message)), Ask);
                    Describe(closest.Stats, reply);
                    return true;
                case "provide":
                    var provided = await dht.Ask<Provided>(new Provide(KeyOf(message)), Ask);
                    Describe(provided.Stats, reply);
                    reply["peers"] = provided.Peers;
                    return true;
                case "hold":
                    var pubsub = (await node.Manager.Ask<SubsystemRef>(new GetSubsystem("pubsub"), Ask)).Supervisor!;
                    foreach (var text in message["addrs"]!.AsArray().Select(a => a!.GetValue<string>()))
                    {
                        var address = Multiaddr.Parse(text);
                        var peer = address.PeerId!;
                        await pubsub.Ask<SlotReply>(new RequestSlot(peer), Ask);
                        node.Manager.Tell(new DialPeer(peer, [address]));
                        var connection = await WaitForConnectionAsync(node, peer);
                        streams.Add(await node.Host.NewStreamAsync(connection, [HoldProtocol]));
                        lock (held) held.Add(peer);
                    }
                    reply["held"] = held.Count;
                    return true;
                case "routingTableSize":
                    reply["size"] = (await dht.Ask<DhtStatus>(GetDhtStatus.Instance, Ask)).RoutingTableSize;
                    return true;
                case "tally":
                    var status = await dht.Ask<DhtStatus>(GetDhtStatus.Instance, Ask);
                    var manager = await node.Manager.Ask<ManagerStatus>(GetManagerStatus.Instance, Ask);
                    reply["connections"] = node.Host.Connections.Count;
                    reply["peak"] = peak;
                    reply["opened"] = status.Counters.ConnectionsOpened + held.Count;
                    reply["routingSlots"] = status.RoutingHeld.Count;
                    reply["trims"] = string.Join(" ", manager.TrimsByReason.Select(t => $"{t.Key}:{t.Value}"));
                    reply["refusals"] = string.Join(" ", manager.RefusalsByReason.Select(t => $"{t.Key}:{t.Value}"));
                    lock (held) reply["lostHeld"] = new JsonArray(lost.Select(p => JsonValue.Create(p.ToString())).ToArray<JsonNode?>());
                    return true;
                default:
                    return false;
            }
        });
        await stop.CancelAsync();
        await watcher;
    }

    private static byte[] KeyOf(JsonObject message) =>
        message["key"]?.GetValue<string>() is { } hex ? Convert.FromHexString(hex) : [0x12, 0x20, .. System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)];

    private static void Describe(LookupStats stats, JsonObject reply)
    {
        reply["ms"] = stats.Duration.TotalMilliseconds;
        reply["hops"] = stats.Hops;
        reply["opened"] = stats.ConnectionsOpened;
        reply["queried"] = stats.Queried;
        reply["failedQueries"] = stats.Failed;
    }

    private static async Task<Libp2p.Host.Libp2pConnection> WaitForConnectionAsync(ConnActorsNode node, PeerId peer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (node.Host.ConnectionsTo(peer).FirstOrDefault() is { } connection) return connection;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no connection to {peer} within 30 s");
    }
}
