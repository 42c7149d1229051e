using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// The DHT against a swarm of real js-libp2p nodes running @libp2p/kad-dht 16.x in server mode, both
/// directions: each side finds the other's provider records and the other's peers.
/// </summary>
public class DhtInteropTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SwarmWait = TimeSpan.FromSeconds(120); // pings of up to 20 s each on a loaded machine

    [Fact]
    public async Task ConnActors_and_js_find_each_others_provider_records_and_peers()
    {
        await using var swarm = await JsDhtSwarm.StartAsync(processes: 2, nodesPerProcess: 6);
        await swarm.WaitForRoutingTablesAsync(size: 3, SwarmWait);
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(DhtNodes.Settings(swarm.Bootstrap.Select(b => b.Address)));
        await DhtNodes.WaitForRoutingTableAsync(node, 6, Wait);

        // ConnActors provides; a js node finds the record.
        var ours = DhtNodes.RandomKey();
        var provided = await DhtNodes.AskAsync<Provided>(node, new Provide(ours));
        Assert.True(provided.Peers >= 6, $"the provider record reached only {provided.Peers} js peers");
        var finder = swarm.Nodes[^1];
        var found = await finder.RunAsync("findProviders", new { key = DhtNodes.Hex(ours), timeoutMs = 30_000 });
        Assert.Contains(found["providers"]!.AsArray(), p => p!["peer"]!.GetValue<string>() == node.Host.PeerId.ToString());

        // A js node provides; ConnActors finds the record.
        var theirs = DhtNodes.RandomKey();
        var provider = swarm.Nodes[3];
        await provider.RunAsync("provide", new { key = DhtNodes.Hex(theirs), timeoutMs = 30_000 });
        var providers = await DhtNodes.AskAsync<ProvidersFound>(node, new FindProviders(theirs, Count: 1));
        Assert.Contains(providers.Providers, p => p.Id.Equals(provider.Peer));
        Assert.Contains(providers.Providers.Single(p => p.Id.Equals(provider.Peer)).Addresses, a => provider.Address.ToString().StartsWith(a.ToString()));

        // Each finds the other's peer.
        var target = swarm.Nodes[^2];
        var peer = await DhtNodes.AskAsync<PeerFound>(node, new FindPeer(target.Peer));
        Assert.True(peer.Found, $"ConnActors did not find {target.Peer}");
        Assert.Contains(peer.Addresses, a => target.Address.ToString().StartsWith(a.ToString()));
        var seeker = swarm.Nodes[1];
        var us = await seeker.RunAsync("findPeer", new { peer = node.Host.PeerId.ToString(), timeoutMs = 30_000 });
        Assert.Contains(us["addrs"]!.AsArray(), a => a!.GetValue<string>().StartsWith(DhtNodes.ListenAddress(node).ToString()));
    }
}
