using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// A node is started only once its DHT serves: the DHT registers /ipfs/kad/1.0.0 after a round trip to the
/// manager, and the start waits for it. A DHT that cannot start fails the node's start and leaves nothing behind.
/// </summary>
public class DhtStartTests : TestKit
{
    [Fact]
    public async Task A_DHT_that_never_starts_fails_the_node_start_and_leaves_nothing_behind()
    {
        var port = LoopbackPorts.Free();
        var settings = DhtNodes.Settings([]);
        // The configuration reader refuses a DHT without an enrolled subsystem; an embedder building settings by hand
        // can still name one the manager does not know, and the DHT then stops without serving.
        settings = settings with
        {
            Libp2p = settings.Libp2p with { Listen = [Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}")] },
            Dht = settings.Dht with { Subsystem = "not-enrolled" },
        };

        // The DHT stops at once (no such subsystem): the start fails then, not after startup-timeout (120 s).
        var start = ConnActorsNode.StartAsync(Sys, settings, PrivateKey.Generate(), name: "failing-start");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => start.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("the DHT stopped while starting", error.Message);

        using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        rebind.Bind(new IPEndPoint(IPAddress.Loopback, port)); // the host's listener is gone
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/failing-start").ResolveOne(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/failing-start-dht").ResolveOne(TimeSpan.FromSeconds(5)));
    }
}
