using System.Text.Json.Nodes;

namespace ConnActors.Libp2p.Tests.Bench;

/// <summary>
/// The command loop of a benchmark listener in its own process, speaking the JSON-line protocol of
/// tests/interop/peer.mjs: announces readiness, then answers one command per line until "exit" or the
/// end of input. "gc" (a full collection, then the managed heap) is common to every listener; other
/// commands go to the listener's own answer, which fills the reply or returns false when it does not know them.
/// </summary>
internal static class JsonLineListener
{
    public static Task ServeAsync(PeerId peerId, IEnumerable<Multiaddr> addresses, Func<string, JsonObject, Task<bool>> answer) =>
        ServeAsync(peerId, addresses, (message, reply) => answer(message["cmd"]!.GetValue<string>(), reply));

    /// <summary>As above, for listeners whose commands carry arguments: the answer gets the whole message.</summary>
    public static async Task ServeAsync(PeerId peerId, IEnumerable<Multiaddr> addresses, Func<JsonObject, JsonObject, Task<bool>> answer)
    {
        Write(new JsonObject
        {
            ["event"] = "ready",
            ["peerId"] = peerId.ToString(),
            ["addrs"] = new JsonArray(addresses.Select(a => JsonValue.Create(a.WithPeerId(peerId).ToString())).ToArray<JsonNode?>()),
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
                    reply["managedBytes"] = GC.GetTotalMemory(forceFullCollection: false);
                    break;
                case "exit":
                    Write(reply);
                    return;
                case not null when !await answer(msg, reply):
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
