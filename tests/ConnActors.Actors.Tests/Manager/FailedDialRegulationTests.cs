using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Host;

namespace ConnActors.Actors.Tests.Manager;

/// <summary>
/// Dials that fail at a high rate (a full NAT table on a home router looks like this) start a regulation
/// round above low water, on a real node whose dials really fail (connection refused on loopback).
/// </summary>
public class FailedDialRegulationTests : Akka.TestKit.Xunit2.TestKit
{
    private const int Inbound = 14;
    private const int LowWater = 10;

    public FailedDialRegulationTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output)
    {
    }

    [Fact]
    public async Task A_burst_of_failed_dials_trims_the_node_to_low_water()
    {
        // Low and high water far apart: only the failed dials can start a round. Dial rate 2/s and share
        // 0.05: a round starts at 0.1 failed dials/s averaged over a minute, about six failures at once.
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(NodeSettings.From($$"""
            connactors.limits { hard-cap = 40, high-water = 38, low-water = {{LowWater}}, dial-rate = 2 }
            connactors.regulation.failed-dial-share = 0.05
            """));
        var dialers = new List<Libp2pHost>();
        try
        {
            for (int i = 0; i < Inbound; i++)
            {
                var dialer = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
                dialers.Add(dialer);
                await dialer.DialAsync(NodeFixture.AddressOf(node));
            }
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts.Connections == Inbound, TimeSpan.FromSeconds(10), "all inbound registered");
            await Task.Delay(1_000);
            Assert.Equal(Inbound, (await NodeFixture.StatusAsync(node)).Counts.Connections); // nothing else starts a round

            // Ten peers, each at its own port where nothing listens (one address would be parked in its backoff).
            for (int i = 0; i < 10; i++)
            {
                var peer = PrivateKey.Generate().PeerId;
                node.Manager.Tell(new DialPeer(peer, [Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{LoopbackPorts.Free()}/p2p/{peer}")]));
            }

            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts.Connections == LowWater, TimeSpan.FromSeconds(20),
                async () => $"trimmed to low water after the failed dials: {(await NodeFixture.StatusAsync(node)).Counts}");
            Assert.Equal(Inbound - LowWater, (await NodeFixture.StatusAsync(node)).TrimsByReason.Values.Sum());
        }
        finally
        {
            foreach (var dialer in dialers) await dialer.DisposeAsync();
        }
    }
}
