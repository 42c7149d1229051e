using Akka.Actor;
using Akka.Configuration;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Messaging;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Actors.Tests.Messaging;

/// <summary>
/// Bytes another system sends are built into the fleet's messages only: an operator command arriving over the wire is
/// refused by the deserializer itself (what a process that reaches the cluster port could otherwise hand the manager).
/// </summary>
public sealed class WireTypeFilterTests : IDisposable
{
    // What a process that reaches the cluster port may run: Akka's own Hyperion, no filter.
    private readonly ActorSystem _sender = Create("sender", """akka.actor.serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion" """);
    private readonly ActorSystem _receiver = Create("receiver", "");

    [Fact]
    public void The_node_reads_with_the_filter()
    {
        Assert.IsType<WireHyperionSerializer>(Serializer(_receiver));
        Assert.Equal(new Akka.Serialization.HyperionSerializer((ExtendedActorSystem)_sender).Identifier, Serializer(_receiver).Identifier);
    }

    [Fact]
    public void The_fleets_messages_cross()
    {
        var load = new FleetLoad("akka.tcp://connactors@10.0.0.1:4053", "home", 300, 16, ["cluster"], "12D3KooW", ["/ip4/10.0.0.1/tcp/4001"],
            100, 200, 50, 40, 20, 20, 0, 1, 85, ["12D3KooWa", "12D3KooWb"], 1_000, ["dht"], 7, 3, 70, 100);
        var back = Assert.IsType<FleetLoad>(RoundTrip(load));
        Assert.Equal(load.HeldPeers, back.HeldPeers);
        Assert.Equal(load with { HeldPeers = back.HeldPeers, Roles = back.Roles, ListenAddresses = back.ListenAddresses, OpenSubsystems = back.OpenSubsystems }, back);
        foreach (var message in new object[]
                 {
                     new ShareProposal(3, "home", 120, true, 2), new ShareApplied(3, "akka.tcp://connactors@10.0.0.2:4053", 120, true),
                     new LeaseRequest(1, 2, 3, 4, 5, "home"), new LeaseGranted(1, 2, 3, 4), new HandoffOffer("12D3KooW", ["/ip4/10.0.0.3/tcp/4001"], "a"),
                     new HandoffAnswer("12D3KooW", true, false, null), new SharedPenalty("12D3KooW", 5, 1, 2, "a"),
                 })
            Assert.Equal(message.GetType(), RoundTrip(message).GetType());
    }

    [Fact]
    public void Operator_commands_are_refused_by_the_deserializer()
    {
        var peer = PrivateKey.Generate().PeerId;
        foreach (var command in new object[] { new PenalizePeer(peer, 150), ShutdownPolitely.Instance, TrimNow.Instance, new List<PenalizePeer> { new(peer, 1) } })
        {
            var bytes = Serializer(_sender).ToBinary(command);
            var error = Assert.ThrowsAny<Exception>(() => Serializer(_receiver).FromBinary(bytes, typeof(object)));
            Assert.Contains(command is List<PenalizePeer> ? nameof(PenalizePeer) : command.GetType().Name, error.ToString(), StringComparison.Ordinal);
            // The same bytes are read by Akka's own Hyperion: the refusal is the filter's, not a broken payload.
            Assert.Equal(command.GetType(), Serializer(_sender).FromBinary(bytes, typeof(object)).GetType());
        }
    }

    [Theory]
    [InlineData("ConnActors.Actors.Cluster.ShareProposal, ConnActors.Actors", true)]
    [InlineData("ConnActors.Actors.Cluster.ShareProposal, ConnActors.Actors, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null", true)]
    [InlineData("ConnActors.Actors.Manager.PenalizePeer, ConnActors.Actors", false)]
    [InlineData("ConnActors.Actors.Cluster.Negotiator+ShareTaken, ConnActors.Actors", false)]
    [InlineData("System.Collections.Generic.List`1[[ConnActors.Actors.Manager.AddFriend, ConnActors.Actors]], System.Private.CoreLib", false)]
    [InlineData("System.Collections.Generic.List`1[[System.String, System.Private.CoreLib]], System.Private.CoreLib", true)]
    [InlineData("ConnActors.Cluster.Tests.Support.Ping, ConnActors.Cluster.Tests", true)]
    public void Product_types_pass_only_when_the_fleet_sends_them_generic_arguments_included(string typeName, bool allowed) =>
        Assert.Equal(allowed, WireTypeFilter.Fleet.IsAllowed(typeName));

    private object RoundTrip(object message) => Serializer(_receiver).FromBinary(Serializer(_sender).ToBinary(message), typeof(object));

    private static Akka.Serialization.Serializer Serializer(ActorSystem system) => system.Serialization.FindSerializerForType(typeof(IConnActorsMessage));

    private static ActorSystem Create(string name, string hocon) =>
        ActorSystem.Create(name, ConfigurationFactory.ParseString("akka.loglevel = WARNING\n" + hocon).WithFallback(ReferenceConfig.Default));

    public void Dispose()
    {
        _sender.Terminate().Wait(TimeSpan.FromSeconds(10));
        _receiver.Terminate().Wait(TimeSpan.FromSeconds(10));
    }
}
