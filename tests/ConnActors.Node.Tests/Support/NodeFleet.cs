using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// Node processes forming one cluster on loopback, each started with the node's own cluster flags
/// (<c>--cluster-port 0 --seed 127.0.0.1:PORT --site S --site-budget N</c>), every port taken by the system: the first
/// node starts the cluster, its address is read from its log and the others join it as their seed.
/// </summary>
internal sealed partial class NodeFleet : IAsyncDisposable
{
    public static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(90);

    private NodeFleet(string site, int budget, List<FleetNode> nodes)
    {
        Site = site;
        Budget = budget;
        Nodes = nodes;
    }

    public string Site { get; }

    public int Budget { get; }

    public IReadOnlyList<FleetNode> Nodes { get; }

    /// <summary>
    /// Starts <paramref name="count"/> members of <paramref name="site"/> sharing <paramref name="budget"/> and waits until
    /// every one sees all of them Up; <paramref name="serving"/> hears of each node (by its index) as soon as its API serves.
    /// </summary>
    public static async Task<NodeFleet> StartAsync(int count, string site = "lab", int budget = 300, string overrideConf = "", Action<int, FleetNode>? serving = null)
    {
        var nodes = new List<FleetNode>();
        var fleet = new NodeFleet(site, budget, nodes);
        try
        {
            nodes.Add(await FleetNode.StartAsync(ClusterArgs(site, budget), overrideConf));
            serving?.Invoke(0, nodes[0]);
            string seed = nodes[0].ClusterAddress[(nodes[0].ClusterAddress.IndexOf('@') + 1)..];
            var joining = Enumerable.Range(1, count - 1).Select(async i =>
            {
                var node = await FleetNode.StartAsync([.. ClusterArgs(site, budget), "--seed", seed], overrideConf);
                serving?.Invoke(i, node);
                return node;
            }).ToList();
            try
            {
                nodes.AddRange(await Task.WhenAll(joining));
            }
            catch
            {
                nodes.AddRange(joining.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
                throw;
            }
            await fleet.WaitForMembersAsync(nodes, count);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every node of <paramref name="observers"/> sees exactly <paramref name="up"/> members, all Up and reachable.</summary>
    public async Task WaitForMembersAsync(IReadOnlyList<FleetNode> observers, int up) =>
        await WaitUntilAsync(async () =>
        {
            foreach (var node in observers)
            {
                var members = (await node.ClusterAsync())["members"]!.AsArray();
                if (members.Count != up || members.Any(m => m!["status"]!.GetValue<string>() != "Up" || !m["reachable"]!.GetValue<bool>())) return false;
            }
            return true;
        }, $"{observers.Count} node(s) each seeing {up} members Up", FormTimeout);

    /// <summary>Polls <paramref name="condition"/> every 200 ms until it holds; fails with <paramref name="what"/> and the nodes' logs after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException)
            {
                // A node not serving yet (or any more): ask again.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not seen within {timeout.TotalSeconds}s: {what}\n{Logs()}");
            await Task.Delay(200);
        }
    }

    public string Logs() => string.Join("\n", Nodes.Select((n, i) => $"===== node {i} ({n.ClusterAddress})\n{n.Process.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
    }

    private static string[] ClusterArgs(string site, int budget) =>
        ["--cluster-port", "0", "--site", site, "--site-budget", budget.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

/// <summary>One member of a <see cref="NodeFleet"/>: its process, directories, API (with its token), cluster address and API URL.</summary>
internal sealed partial class FleetNode : IAsyncDisposable
{
    private FleetNode(NodeDirectories directories, NodeProcess process, ManagementApi api, string clusterAddress)
    {
        Directories = directories;
        Process = process;
        Api = api;
        ClusterAddress = clusterAddress;
    }

    public NodeDirectories Directories { get; }

    public NodeProcess Process { get; }

    public ManagementApi Api { get; }

    /// <summary>akka.tcp://connactors@127.0.0.1:PORT, as the node logged it.</summary>
    public string ClusterAddress { get; }

    public string Url => Api.BaseAddress.ToString().TrimEnd('/');

    public static async Task<FleetNode> StartAsync(string[] clusterArgs, string overrideConf = "")
    {
        var directories = new NodeDirectories(overrideConf);
        NodeProcess? process = null;
        try
        {
            process = NodeProcess.Start([
                "--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "http://127.0.0.1:0",
                .. clusterArgs]);
            var member = await process.WaitForStdoutAsync(MemberOfTheFleet(), NodeProcess.StartTimeout);
            var http = await process.WaitForStdoutAsync(HttpListening(), NodeProcess.StartTimeout);
            var api = new ManagementApi(new Uri($"http://127.0.0.1:{http.Groups["port"].Value}"), directories.Token);
            return new FleetNode(directories, process, api, member.Groups["address"].Value);
        }
        catch
        {
            process?.Dispose();
            directories.Dispose();
            throw;
        }
    }

    /// <summary>GET /api/cluster, which must answer 200.</summary>
    public Task<JsonNode> ClusterAsync() => Api.GetOkAsync("/api/cluster");

    /// <summary>counts.hardCap of GET /api/status.</summary>
    public async Task<int> HardCapAsync() => (await Api.GetOkAsync("/api/status"))["counts"]!["hardCap"]!.GetValue<int>();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Process.Dispose();
        Directories.Dispose();
        await Task.CompletedTask;
    }

    [GeneratedRegex(@"member of the fleet at (?<address>akka\.tcp://connactors@127\.0\.0\.1:\d+)")]
    private static partial Regex MemberOfTheFleet();

    [GeneratedRegex(@"http management API listening on http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex HttpListening();
}
