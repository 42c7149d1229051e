using System.Text.Json.Nodes;
using ConnActors.Libp2p.Host;

namespace ConnActors.Libp2p.Tests.Bench;

/// <summary>A C# libp2p listener in its own process, speaking the same JSON-line protocol as tests/interop/peer.mjs.</summary>
internal static class ListenerProgram
{
    public static async Task RunAsync()
    {
        await using var host = await Libp2pHost.StartAsync(new HostOptions
        {
            Identity = PrivateKey.Generate(),
            ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")],
            MaxPendingInboundHandshakes = 20_000,
            HandshakeTimeout = TimeSpan.FromSeconds(60),
            IdleBeforeHandshakeTimeout = TimeSpan.FromSeconds(60),
        });
        Write(new JsonObject
        {
            ["event"] = "ready",
            ["peerId"] = host.PeerId.ToString(),
            ["addrs"] = new JsonArray(host.ListenAddresses.Select(a => JsonValue.Create(a.WithPeerId(host.PeerId).ToString())).ToArray<JsonNode?>()),
        });
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var msg = JsonNode.Parse(line)!.AsObject();
            var reply = new JsonObject { ["id"] = msg["id"]!.GetValue<int>(), ["ok"] = true };
            switch (msg["cmd"]!.GetValue<string>())
            {
                case "gc":
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    GC.WaitForPendingFinalizers();
                    reply["collected"] = true;
                    break;
                case "connectionCount":
                    reply["count"] = host.Connections.Count;
                    break;
                case "exit":
                    Write(reply);
                    return;
                default:
                    reply["ok"] = false;
                    reply["error"] = "unknown command";
                    break;
            }
            Write(reply);
        }
    }

    private static void Write(JsonObject obj)
    {
        lock (Console.Out) Console.Out.WriteLine(obj.ToJsonString());
        Console.Out.Flush();
    }
}
