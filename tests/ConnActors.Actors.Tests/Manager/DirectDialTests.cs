using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Host;

namespace ConnActors.Actors.Tests.Manager;

/// <summary>Dials made on the host directly (not through the manager's queue) are admitted at the outbound peer gate.</summary>
public class DirectDialTests : Akka.TestKit.Xunit2.TestKit
{
    public DirectDialTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output)
    {
    }

    [Fact]
    public async Task A_direct_dial_that_fails_after_our_peer_gate_gives_its_slot_back()
    {
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(NodeSettings.From());
        await using var refuser = await Libp2pHost.StartAsync(new HostOptions
        {
            Identity = PrivateKey.Generate(),
            ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")],
            Gate = new RefuseAfterSecurity(),
        });

        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<HandshakeFailedException>(() => node.Host.DialPeerAsync(refuser.PeerId, [refuser.ListenAddresses[0]]));
            await Assert.ThrowsAsync<HandshakeFailedException>(() => node.Host.DialAsync(refuser.ListenAddresses[0])); // no /p2p in the address
        }

        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts.PendingOutbound == 0, TimeSpan.FromSeconds(10),
            async () => $"every failed dial gave its slot back: {(await NodeFixture.StatusAsync(node)).Counts}");
        Assert.Equal(0, (await NodeFixture.StatusAsync(node)).Counts.Outbound);
    }

    [Fact]
    public async Task A_direct_dial_that_succeeds_is_counted_once()
    {
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(NodeSettings.From());
        var other = await nodes.StartAsync(NodeSettings.From());

        await node.Host.DialPeerAsync(other.Host.PeerId, [NodeFixture.AddressOf(other)]);

        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts is { Outbound: 1, PendingOutbound: 0 }, TimeSpan.FromSeconds(10),
            async () => $"one outbound connection, nothing pending: {(await NodeFixture.StatusAsync(node)).Counts}");
    }

    private sealed class RefuseAfterSecurity : IConnectionGate
    {
        public ValueTask<GateDecision> AfterSecurityAsync(ConnectionId id, PeerId peer, Multiaddr remote, ConnectionDirection direction) =>
            ValueTask.FromResult(GateDecision.Refuse("test: refused after security"));
    }
}
