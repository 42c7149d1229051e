using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>Hosts that connect to a node and do nothing else: connections no subsystem uses, in the node's grace period.</summary>
internal sealed class Occupants : IAsyncDisposable
{
    private readonly List<Libp2pHost> _hosts = new();

    /// <summary>
    /// Waits until what the start-up left is at most <paramref name="connections"/> and holds still (its query connections close
    /// once their burst linger is over), then connects occupants until the node has <paramref name="connections"/>.
    /// </summary>
    public async Task FillAsync(ConnActorsNode node, int connections, TimeSpan wait)
    {
        int settled = -1;
        await Eventually.HoldsAsync(async () =>
        {
            int before = settled;
            await Task.Delay(1_500);
            settled = (await NodeFixture.StatusAsync(node)).Counts.Connections;
            return settled == before && settled <= connections;
        }, wait, async () => $"the start-up left {settled} connections; {await DhtNodes.DescribeAsync(node)}");
        while ((await NodeFixture.StatusAsync(node)).Counts.Connections < connections)
        {
            var host = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
            _hosts.Add(host);
            await host.DialAsync(NodeFixture.AddressOf(node)).WaitAsync(wait);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }
}
