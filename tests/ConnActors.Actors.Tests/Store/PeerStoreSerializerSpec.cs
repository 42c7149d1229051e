using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Serialization;
using ConnActors.Actors.Store;

namespace ConnActors.Actors.Tests.Store;

public sealed class PeerStoreSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Peer = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";

    private readonly PeerStoreSerializer _serializer;

    public PeerStoreSerializerSpec()
        : base(ReferenceConfig.Default)
    {
        _serializer = new PeerStoreSerializer((ExtendedActorSystem)Sys);
    }

    public static TheoryData<object, string> Persisted => new()
    {
        { new FriendAdded(Peer, ["/ip4/10.0.0.1/tcp/4001/p2p/" + Peer, "/dns6/x.example/tcp/1/p2p/" + Peer]), "friend-added.v1" },
        { new FriendAdded(Peer, []), "friend-added.v1" },
        { new FriendRemoved(Peer), "friend-removed.v1" },
        { new PeerProtected(Peer, "relay \"hop\" ü"), "peer-protected.v1" },
        { new PeerUnprotected(Peer, "relay"), "peer-unprotected.v1" },
        { new ByeObligationRecorded(Peer, 1_764_000_600_000), "bye-obligation-recorded.v1" },
        { new PenaltyRecorded(Peer, -0.1 + 0.2e-17, 1_764_000_000_000, long.MaxValue), "penalty-recorded.v1" },
        {
            new PeerStoreSnapshot(
                [new StoredFriend(Peer, ["/ip4/10.0.0.1/tcp/4001/p2p/" + Peer])],
                [new StoredProtection(Peer, "friend"), new StoredProtection(Peer, "dht")],
                [new StoredByeObligation(Peer, 42)],
                [new StoredPenalty(Peer, 17.25, 1, 2)]),
            "peer-store-snapshot.v1"
        },
        { new PeerStoreSnapshot([], [], [], []), "peer-store-snapshot.v1" },
    };

    [Theory]
    [MemberData(nameof(Persisted))]
    public void Every_persisted_type_round_trips_under_its_versioned_manifest(object persisted, string manifest)
    {
        Assert.Equal(manifest, _serializer.Manifest(persisted));

        var restored = _serializer.FromBinary(_serializer.ToBinary(persisted), manifest);

        Assert.Equal(persisted, restored);
    }

    [Fact]
    public void The_v1_payload_layout_is_fixed()
    {
        var friend = _serializer.ToBinary(new FriendAdded(Peer, ["/ip4/10.0.0.1/tcp/4001"]));
        var penalty = _serializer.ToBinary(new PenaltyRecorded(Peer, 2.5, 10, 20));

        Assert.Equal($$"""{"peerId":"{{Peer}}","multiaddrs":["/ip4/10.0.0.1/tcp/4001"]}""", Encoding.UTF8.GetString(friend));
        Assert.Equal($$"""{"peerId":"{{Peer}}","value":2.5,"lastUpdateMs":10,"retainUntilMs":20}""", Encoding.UTF8.GetString(penalty));
    }

    [Fact]
    public void Payloads_written_by_an_older_version_are_read_and_unknown_fields_ignored()
    {
        var stored = Encoding.UTF8.GetBytes($$"""{"peerId":"{{Peer}}","notBeforeMs":99,"reason":"added later"}""");

        var restored = _serializer.FromBinary(stored, PeerStoreManifests.ByeObligationRecorded);

        Assert.Equal(new ByeObligationRecorded(Peer, 99), restored);
    }

    [Fact]
    public void An_unknown_manifest_is_rejected_with_a_message_naming_it()
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary("{}"u8.ToArray(), "friend-added.v2"));

        Assert.Contains("unknown peer store manifest 'friend-added.v2'", error.Message);
        Assert.Contains("friend-added.v1", error.Message);
    }

    [Theory]
    [InlineData("""{"multiaddrs":[]}""", "field 'peerId' is missing")]
    [InlineData("""{"peerId":"","multiaddrs":[]}""", "field 'peerId' must not be empty")]
    [InlineData("""{"peerId":"p","multiaddrs":"x"}""", "field 'multiaddrs' must be a JSON array")]
    [InlineData("""{"peerId":"p","multiaddrs":[1]}""", "field 'multiaddrs' must hold non-empty strings only")]
    [InlineData("""[1,2]""", "is not a JSON object")]
    [InlineData("""{"peerId":""", "is not valid JSON")]
    public void A_malformed_payload_is_rejected_naming_the_manifest_and_the_field(string payload, string expected)
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(Encoding.UTF8.GetBytes(payload), PeerStoreManifests.FriendAdded));

        Assert.Contains("'friend-added.v1'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_whole_number_field_rejects_a_fraction()
    {
        var stored = Encoding.UTF8.GetBytes($$"""{"peerId":"{{Peer}}","notBeforeMs":1.5}""");

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(stored, PeerStoreManifests.ByeObligationRecorded));

        Assert.Contains("field 'notBeforeMs' is not a whole number", error.Message);
    }

    [Fact]
    public void Types_outside_the_peer_store_are_refused()
    {
        Assert.Throws<ArgumentException>(() => _serializer.Manifest(new SaveFriend(Peer, [])));
        Assert.Throws<ArgumentException>(() => _serializer.ToBinary("text"));
    }
}
