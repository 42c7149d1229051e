using System.Text.Json.Nodes;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Tests.Storm;

/// <summary>Several js-libp2p processes, each with many lightweight dialing nodes (tests/interop/peer.mjs).</summary>
internal sealed class JsSwarm : IAsyncDisposable
{
    private readonly List<(PeerProcess Process, int First, int Count)> _groups = new();

    public static async Task<JsSwarm> StartAsync(int processes, int nodesPerProcess)
    {
        var swarm = new JsSwarm();
        var started = await Task.WhenAll(Enumerable.Range(0, processes).Select(async _ =>
        {
            var process = await PeerProcess.StartJsAsync();
            var reply = await process.RunAsync("startDialers", new { count = nodesPerProcess });
            return (process, reply["first"]!.GetValue<int>(), nodesPerProcess);
        }));
        swarm._groups.AddRange(started);
        return swarm;
    }

    public int Nodes => _groups.Sum(g => g.Count);

    /// <summary>Every node dials <paramref name="address"/> once, all processes at the same time.</summary>
    public async Task<StormResult> DialAllAsync(Multiaddr address, int concurrencyPerProcess)
    {
        var replies = await Task.WhenAll(_groups.Select(g => g.Process.RunAsync("dialMany",
            new { addr = address.ToString(), first = g.First, count = g.Count, concurrency = concurrencyPerProcess, timeoutMs = 20_000 })));
        var errors = new Dictionary<string, int>();
        foreach (var reply in replies)
        {
            foreach (var (name, value) in reply["errors"]!.AsObject())
                errors[name] = errors.GetValueOrDefault(name) + value!.GetValue<int>();
        }
        return new StormResult(replies.Sum(r => r["succeeded"]!.GetValue<int>()), replies.Sum(r => r["failed"]!.GetValue<int>()), errors);
    }

    /// <summary>Connections the swarm's nodes hold now.</summary>
    public async Task<int> ConnectionCountAsync()
    {
        var replies = await Task.WhenAll(_groups.Select(g => g.Process.RunAsync("connectionCountMany", new { first = g.First, count = g.Count })));
        return replies.Sum(r => r["count"]!.GetValue<int>());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _, _) in _groups) await process.DisposeAsync();
    }
}

/// <summary>Dials that completed a handshake, dials that failed, failures by error name.</summary>
internal sealed record StormResult(int Succeeded, int Failed, IReadOnlyDictionary<string, int> Errors);

/// <summary>Helpers over the js harness's JSON replies.</summary>
internal static class JsReplies
{
    /// <summary>The (peer id, address) of each node in a <c>start</c> reply.</summary>
    public static IReadOnlyList<(PeerId Peer, Multiaddr Address)> Nodes(JsonObject startReply) =>
        startReply["nodes"]!.AsArray()
            .Select(n => (PeerId.Parse(n!["peerId"]!.GetValue<string>()), Multiaddr.Parse(n["addrs"]![0]!.GetValue<string>())))
            .ToList();
}
