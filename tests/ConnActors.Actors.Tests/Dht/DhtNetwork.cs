using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>ConnActors DHT servers on loopback sockets in one actor system, all bootstrapped to the first.</summary>
internal static class DhtNetwork
{
    public static async Task<IReadOnlyList<ConnActorsNode>> StartServersAsync(NodeFixture nodes, int count)
    {
        var first = await nodes.StartAsync(DhtNodes.Settings([]));
        var servers = new List<ConnActorsNode> { first };
        var bootstrap = new[] { NodeFixture.AddressOf(first) };
        servers.AddRange(await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => nodes.StartAsync(DhtNodes.Settings(bootstrap)))));
        // Each server's self lookup filled its table from the first; a second round lets the first learn everyone too.
        await Task.WhenAll(servers.Select(s => DhtNodes.AskAsync<Actors.Dht.ClosestPeersFound>(s, new Actors.Dht.GetClosestPeers(s.Host.PeerId.ToBytes()))));
        return servers;
    }
}
