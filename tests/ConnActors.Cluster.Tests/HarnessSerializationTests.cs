using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit;
using ConnActors.Actors.Messaging;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests;

/// <summary>Messages between nodes over real remoting: Hyperion for the project's messages, nothing for other types.</summary>
public sealed class HarnessSerializationTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    public HarnessSerializationTests(ITestOutputHelper output) : base(output: output) => _output = output;

    [Fact]
    public async Task A_project_message_crosses_the_wire_with_hyperion_and_comes_back()
    {
        await using var harness = await StartAsync();
        var (gateway, probe, echo) = await GatewayProbeAndRemoteEchoAsync(harness);

        var ping = new Ping(1, "over the wire", Guid.NewGuid());
        Assert.IsType<WireHyperionSerializer>(gateway.System.Serialization.FindSerializerFor(ping));
        probe.Send(echo, ping);

        var pong = probe.ExpectMsg<Pong>(Bound);
        Assert.Equal(ping, pong.Ping);
        Assert.NotSame(ping, pong.Ping);
        Assert.Equal("cluster-1", pong.RepliedBy);
        Assert.Equal(nameof(WireHyperionSerializer), pong.Serializer);
    }

    /// <summary>What a lease renewal costs on the wire: one request and one answer per member and renew interval.</summary>
    [Fact]
    public async Task Lease_messages_are_hyperion_serialized_and_small()
    {
        await using var harness = await StartAsync();
        var serialization = harness["gateway-1"].System.Serialization;
        var request = new ConnActors.Actors.Cluster.LeaseRequest(1_764_000_000_000, 1_764_000_000_500, 1_764_000_000_700, 12_345, 150, "home");
        var granted = new ConnActors.Actors.Cluster.LeaseGranted(1_764_000_000_000, 1_764_000_000_900, 150, 1_764_000_000_100);
        foreach (object message in new object[] { request, granted })
        {
            var serializer = serialization.FindSerializerFor(message);
            Assert.IsType<WireHyperionSerializer>(serializer);
            byte[] bytes = serializer.ToBinary(message);
            Assert.Equal(message, serializer.FromBinary(bytes, message.GetType()));
            _output.WriteLine($"{message.GetType().Name}: {bytes.Length} bytes serialized (before Akka.Remote's envelope)");
            Assert.True(bytes.Length < 512, $"{message.GetType().Name} takes {bytes.Length} bytes");
        }
    }

    [Fact]
    public async Task A_type_without_the_marker_is_refused_by_serialization_and_never_delivered()
    {
        await using var harness = await StartAsync();
        var (gateway, probe, echo) = await GatewayProbeAndRemoteEchoAsync(harness);

        var refused = Assert.Throws<SerializationException>(() => gateway.System.Serialization.FindSerializerFor(new NotAMessage("x")));
        Assert.Contains(nameof(NotAMessage), refused.Message);

        // Sent first, dropped at the sender; the ping sent after it on the same link is the first to arrive.
        probe.Send(echo, new NotAMessage("must not arrive"));
        var ping = new Ping(2, "after the refused one", Guid.NewGuid());
        probe.Send(echo, ping);
        Assert.Equal(ping, probe.ExpectMsg<Pong>(Bound).Ping);
        probe.ExpectNoMsg(TimeSpan.FromSeconds(1));

        // The link survived the refusal.
        var again = new Ping(3, "still connected", Guid.NewGuid());
        probe.Send(echo, again);
        Assert.Equal(again, probe.ExpectMsg<Pong>(Bound).Ping);
    }

    [Fact]
    public async Task Akka_s_own_messages_still_cross_the_wire_with_no_fallback_serializer()
    {
        await using var harness = await StartAsync();
        var (gateway, probe, echo) = await GatewayProbeAndRemoteEchoAsync(harness);

        // A failure reply (Status.Failure with an exception) to an Ask across nodes.
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => echo.Ask<Pong>(new FailPlease("refused on purpose"), Bound));
        Assert.Equal("refused on purpose", failed.Message);

        // Remote death watch and a PoisonPill sent across.
        probe.Watch(echo);
        probe.Send(echo, PoisonPill.Instance);
        probe.ExpectTerminated(echo, Bound);
        Assert.True(gateway.IsAlive);
    }

    private async Task<(ClusterNode Gateway, TestProbe Probe, IActorRef Echo)> GatewayProbeAndRemoteEchoAsync(ClusterHarness harness)
    {
        var gateway = harness["gateway-1"];
        var echo = await gateway.SelectOn(harness["cluster-1"], EchoActor.Name).ResolveOne(Bound);
        return (gateway, CreateTestProbe(gateway.System), echo);
    }

    private Task<ClusterHarness> StartAsync() =>
        ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndClusterNode,
            BeforeJoin = Topology.StartEcho,
            Log = _output.WriteLine,
        });
}
