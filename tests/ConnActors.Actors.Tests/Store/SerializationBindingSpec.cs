using Akka.Serialization;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Messaging;
using ConnActors.Actors.Serialization;
using ConnActors.Actors.Store;

namespace ConnActors.Actors.Tests.Store;

public sealed class SerializationBindingSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Peer = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";

    public SerializationBindingSpec()
        : base(ReferenceConfig.Default)
    {
    }

    private sealed record SomeMarkerMessage(string Text) : IConnActorsMessage;

    [Theory]
    [InlineData(typeof(SomeMarkerMessage))]
    [InlineData(typeof(SaveFriend))]
    [InlineData(typeof(GetPeerStoreState))]
    [InlineData(typeof(PeerStoreState))]
    [InlineData(typeof(PeerStoreAck))]
    public void Hyperion_serializes_the_project_messages(Type messageType)
    {
        Assert.IsType<WireHyperionSerializer>(Sys.Serialization.FindSerializerForType(messageType));
    }

    [Fact]
    public void Nothing_is_bound_to_System_Object_so_only_the_projects_messages_are_written()
    {
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Sys.Serialization.FindSerializerForType(typeof(object)));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Sys.Serialization.FindSerializerForType(typeof(Uri)));
    }

    [Theory]
    [InlineData(typeof(FriendAdded))]
    [InlineData(typeof(FriendRemoved))]
    [InlineData(typeof(PeerProtected))]
    [InlineData(typeof(PeerUnprotected))]
    [InlineData(typeof(ByeObligationRecorded))]
    [InlineData(typeof(PenaltyRecorded))]
    [InlineData(typeof(PeerStoreSnapshot))]
    public void Persisted_events_and_snapshots_use_the_versioned_serializer(Type persistedType)
    {
        Assert.IsType<PeerStoreSerializer>(Sys.Serialization.FindSerializerForType(persistedType));
    }

    [Fact]
    public void The_state_reply_never_crosses_nodes()
    {
        // Only the fleet's messages cross (WireTypeFilter, which Hyperion applies when it writes as when it reads): a peer
        // store's state is the node's own.
        var state = PeerStoreState.Empty
            .Apply(new FriendAdded(Peer, ["/ip4/10.0.0.1/tcp/4001/p2p/" + Peer]))
            .Apply(new PeerProtected(Peer, "friend"))
            .Apply(new ByeObligationRecorded(Peer, 5))
            .Apply(new PenaltyRecorded(Peer, 1.5, 2, 3));
        var serializer = Sys.Serialization.FindSerializerFor(state);

        var refused = Assert.ThrowsAny<Exception>(() => serializer.ToBinary(state));
        Assert.Contains(nameof(PeerStoreState), refused.Message, StringComparison.Ordinal);
    }
}
