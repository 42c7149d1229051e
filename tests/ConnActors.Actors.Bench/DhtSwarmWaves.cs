using System.Diagnostics;
using ConnActors.Actors.Tests.Dht;

namespace ConnActors.Actors.Bench;

/// <summary>
/// Bootstraps a large js DHT swarm in waves, so that a loaded machine is never asked for all the dials and
/// self-lookups at once: the first node of each process (the seeds) find each other, then each wave's nodes
/// dial the seeds and a few nodes already in, and look themselves up. A node is in once its routing table is
/// not empty (it knows a server, which knows it); nodes still out are retried until the budget is spent.
/// Every step is bounded by the driver's command timeout; progress goes to <c>log</c>.
/// </summary>
internal static class DhtSwarmWaves
{
    private const int Contacts = 4;

    public static async Task<int> BootstrapAsync(JsDhtSwarm swarm, int wavePerProcess, TimeSpan budget, Action<string> log)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(12);
        var byProcess = swarm.Nodes.GroupBy(n => n.Process).Select(g => g.OrderBy(n => n.Index).ToList()).ToList();
        var seeds = swarm.Bootstrap.Select(b => b.Address.ToString()).ToList();
        var accepted = new HashSet<JsDhtNode>();

        string[] ContactsFor() => seeds.Concat(accepted.Where(n => n.Index != 0).OrderBy(_ => random.Next()).Take(Contacts).Select(n => n.Address.ToString())).ToArray();

        // The seeds first: each dials the others and looks itself up.
        await RunWaveAsync(byProcess, first: 0, count: 1, seeds.ToArray());
        await AcceptAsync(swarm, accepted);
        log($"wave 0 (seeds): {accepted.Count} of {byProcess.Count} in, {watch.Elapsed.TotalSeconds:0} s");

        int longest = byProcess.Max(p => p.Count);
        for (int first = 1, wave = 1; first < longest && watch.Elapsed < budget; first += wavePerProcess, wave++)
        {
            await RunWaveAsync(byProcess, first, wavePerProcess, ContactsFor());
            var sizes = await AcceptAsync(swarm, accepted);
            log($"wave {wave}: {accepted.Count} of {swarm.Nodes.Count} in (tables: {Describe(sizes)}), {watch.Elapsed.TotalSeconds:0} s");
        }
        for (int retry = 1; accepted.Count < swarm.Nodes.Count && watch.Elapsed < budget; retry++)
        {
            var contacts = ContactsFor();
            await Task.WhenAll(byProcess.Select(async nodes =>
            {
                foreach (var chunk in nodes.Where(n => !accepted.Contains(n)).Chunk(8))
                {
                    await BoundedAsync(chunk[0].Process, "selfLookupMany", new { first = chunk[0].Index, count = chunk[^1].Index - chunk[0].Index + 1, below = 1, addrs = contacts, concurrency = 4 });
                }
            }));
            var sizes = await AcceptAsync(swarm, accepted);
            log($"retry {retry}: {accepted.Count} of {swarm.Nodes.Count} in (tables: {Describe(sizes)}), {watch.Elapsed.TotalSeconds:0} s");
        }
        return accepted.Count;
    }

    // Each process's nodes [first, first + count) dial the contacts, then look themselves up (8 per command).
    private static Task RunWaveAsync(List<List<JsDhtNode>> byProcess, int first, int count, string[] contacts) =>
        Task.WhenAll(byProcess.Where(nodes => first < nodes.Count).Select(async nodes =>
        {
            var process = nodes[0].Process;
            int n = Math.Min(count, nodes.Count - first);
            await BoundedAsync(process, "connectMany", new { first, count = n, addrs = contacts, concurrency = 8 });
            for (int at = first; at < first + n; at += 8)
                await BoundedAsync(process, "selfLookupMany", new { first = at, count = Math.Min(8, first + n - at), addrs = contacts, concurrency = 4 });
        }));

    // A step that gets no answer within the driver's timeout (a very loaded machine) is left behind: the retries
    // and the acceptance check are what count.
    private static async Task BoundedAsync(Libp2p.Tests.Support.PeerProcess process, string cmd, object args)
    {
        try
        {
            await process.TryRunAsync(cmd, args);
        }
        catch (TimeoutException)
        {
        }
    }

    private static async Task<IReadOnlyList<int>> AcceptAsync(JsDhtSwarm swarm, HashSet<JsDhtNode> accepted)
    {
        var sizes = await swarm.RoutingTableSizesAsync();
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] > 0) accepted.Add(swarm.Nodes[i]);
        }
        return sizes;
    }

    public static string Describe(IReadOnlyList<int> sizes)
    {
        var sorted = sizes.Order().ToList();
        return $"{sorted.Count(s => s == 0)} empty, median {sorted[sorted.Count / 2]}, max {sorted[^1]}";
    }
}
