using System.Text.Json.Nodes;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// Real js-libp2p Kad-DHT server nodes (tests/interop/dht-peer.mjs, @libp2p/kad-dht 16.x) in a few
/// processes, bootstrapped to each other through the first node of each process.
/// </summary>
internal sealed class JsDhtSwarm : IAsyncDisposable
{
    private readonly List<PeerProcess> _processes = new();
    private readonly List<JsDhtNode> _nodes = new();

    public IReadOnlyList<JsDhtNode> Nodes => _nodes;

    /// <summary>The first node of each process: every node dialled them.</summary>
    public IReadOnlyList<JsDhtNode> Bootstrap => _nodes.Where(n => n.Index == 0).ToList();

    public int ProcessCount => _processes.Count;

    /// <summary>The ids of the js processes (for CPU and memory readings).</summary>
    public IReadOnlyList<int> ProcessIds => _processes.Select(p => p.ProcessId).ToList();

    public static async Task<JsDhtSwarm> StartAsync(int processes, int nodesPerProcess)
    {
        var swarm = new JsDhtSwarm();
        try
        {
            foreach (var process in await Task.WhenAll(Enumerable.Range(0, processes).Select(_ => PeerProcess.StartJsAsync(script: "dht-peer.mjs"))))
            {
                swarm._processes.Add(process);
                swarm._nodes.Add(new JsDhtNode(process, 0, process.PeerId, process.Address));
                var started = await process.RunAsync("start", new { count = nodesPerProcess - 1 });
                foreach (var node in started["nodes"]!.AsArray())
                {
                    swarm._nodes.Add(new JsDhtNode(process, node!["node"]!.GetValue<int>(), PeerId.Parse(node["peerId"]!.GetValue<string>()),
                        Multiaddr.Parse(node["addrs"]![0]!.GetValue<string>())));
                }
            }
            var bootstrap = swarm.Bootstrap.Select(b => b.Address.ToString()).ToArray();
            await Task.WhenAll(swarm._processes.Select(p => p.RunAsync("connectMany", new { first = 0, count = nodesPerProcess, addrs = bootstrap })));
            await swarm.SelfLookupsAsync(below: null);
            return swarm;
        }
        catch
        {
            await swarm.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until every node's routing table holds at least <paramref name="size"/> peers; the nodes still
    /// below it look themselves up again (js does so only every 5 minutes).
    /// </summary>
    public async Task WaitForRoutingTablesAsync(int size, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int smallest = 0;
        while (DateTime.UtcNow < deadline)
        {
            var replies = await Task.WhenAll(_processes.Select(p => p.RunAsync("routingTableSizes", new { first = 0, count = _nodes.Count(n => n.Process == p) })));
            smallest = replies.SelectMany(r => r["sizes"]!.AsArray().Select(s => s!.GetValue<int>())).Min();
            if (smallest >= size) return;
            await SelfLookupsAsync(below: size);
        }
        throw new TimeoutException($"js routing tables did not reach {size} peers within {timeout} (smallest {smallest})");
    }

    // Each node (or each whose table is below a size) looks itself up, in chunks so that each command
    // answers within the driver's command timeout.
    private Task SelfLookupsAsync(int? below) => Task.WhenAll(_processes.Select(async p =>
    {
        int count = _nodes.Count(n => n.Process == p);
        for (int first = 0; first < count; first += 8)
            await p.RunAsync("selfLookupMany", new { first, count = Math.Min(8, count - first), below, addrs = Bootstrap.Select(b => b.Address.ToString()).ToArray() });
    }));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
    }
}

/// <summary>One js DHT node: its process, index there, id and address (with /p2p).</summary>
internal sealed record JsDhtNode(PeerProcess Process, int Index, PeerId Peer, Multiaddr Address)
{
    public Task<JsonObject> RunAsync(string cmd, object args) =>
        Process.RunAsync(cmd, MergeNode(args));

    private object MergeNode(object args)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(args)!.AsObject();
        json["node"] = Index;
        return json;
    }
}
