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

    /// <summary>
    /// Starts the nodes and bootstraps them all at once through the first node of each process (small swarms: tests).
    /// kad-dht's routing-table pings get <paramref name="pingTimeoutMs"/> at least: its adaptive timeout (from 5 s)
    /// failed them on a loaded machine and left tables empty (a suite run beside two busy loops, load 40-50).
    /// </summary>
    public static async Task<JsDhtSwarm> StartAsync(int processes, int nodesPerProcess, int pingTimeoutMs = 20_000)
    {
        var swarm = await LaunchAsync(processes, nodesPerProcess, pingTimeoutMs: pingTimeoutMs);
        try
        {
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
    /// Starts the nodes, <paramref name="chunk"/> at a time in each process (each command answers within the driver's
    /// timeout on a loaded machine), without connecting them: the caller bootstraps them. <paramref name="pingTimeoutMs"/>
    /// raises the floor of kad-dht's routing-table pings (tests/interop/dht-peer.mjs) for a large swarm on a loaded machine.
    /// </summary>
    public static async Task<JsDhtSwarm> LaunchAsync(int processes, int nodesPerProcess, int chunk = 10, Action<string>? progress = null, int? pingTimeoutMs = null)
    {
        var swarm = new JsDhtSwarm();
        try
        {
            foreach (var process in await Task.WhenAll(Enumerable.Range(0, processes).Select(_ => PeerProcess.StartJsAsync(script: pingTimeoutMs is { } ms ? $"dht-peer.mjs --ping-timeout-ms={ms}" : "dht-peer.mjs"))))
            {
                swarm._processes.Add(process);
                swarm._nodes.Add(new JsDhtNode(process, 0, process.PeerId, process.Address));
            }
            await Task.WhenAll(swarm._processes.Select(async process =>
            {
                for (int started = 1; started < nodesPerProcess; started += chunk)
                {
                    var reply = await process.RunAsync("start", new { count = Math.Min(chunk, nodesPerProcess - started), pingTimeoutMs });
                    lock (swarm._nodes)
                    {
                        foreach (var node in reply["nodes"]!.AsArray())
                        {
                            swarm._nodes.Add(new JsDhtNode(process, node!["node"]!.GetValue<int>(), PeerId.Parse(node["peerId"]!.GetValue<string>()),
                                Multiaddr.Parse(node["addrs"]![0]!.GetValue<string>())));
                        }
                        progress?.Invoke($"js nodes started: {swarm._nodes.Count} of {processes * nodesPerProcess}");
                    }
                }
            }));
            swarm._nodes.Sort((a, b) => a.Process == b.Process ? a.Index.CompareTo(b.Index) : swarm._processes.IndexOf(a.Process).CompareTo(swarm._processes.IndexOf(b.Process)));
            return swarm;
        }
        catch
        {
            await swarm.DisposeAsync();
            throw;
        }
    }

    /// <summary>The routing-table size of every node, in <see cref="Nodes"/> order.</summary>
    public async Task<IReadOnlyList<int>> RoutingTableSizesAsync()
    {
        var replies = await Task.WhenAll(_processes.Select(p => p.RunAsync("routingTableSizes", new { first = 0, count = _nodes.Count(n => n.Process == p) })));
        return replies.SelectMany(r => r["sizes"]!.AsArray().Select(s => s!.GetValue<int>())).ToList();
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
            smallest = (await RoutingTableSizesAsync()).Min();
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
