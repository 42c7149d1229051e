using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using ConnActors.Actors.Store;
using static ConnActors.Actors.Serialization.PeerStoreJsonCodec;

namespace ConnActors.Actors.Serialization;

/// <summary>
/// Writes the peer store's events and snapshots in their explicit, versioned format (docs/peer-store.md):
/// a manifest from <see cref="PeerStoreManifests"/> and a JSON payload with fixed field names.
/// </summary>
public sealed class PeerStoreSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id stored next to every payload; never change it.</summary>
    public const int SerializerId = 7301;

    /// <summary>Created by Akka from the HOCON binding.</summary>
    public PeerStoreSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        FriendAdded => PeerStoreManifests.FriendAdded,
        FriendRemoved => PeerStoreManifests.FriendRemoved,
        PeerProtected => PeerStoreManifests.PeerProtected,
        PeerUnprotected => PeerStoreManifests.PeerUnprotected,
        ByeObligationRecorded => PeerStoreManifests.ByeObligationRecorded,
        PenaltyRecorded => PeerStoreManifests.PenaltyRecorded,
        PeerStoreSnapshot => PeerStoreManifests.Snapshot,
        _ => throw Unsupported(o),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        FriendAdded e => Write(w => WriteFriend(w, e.PeerId, e.Multiaddrs)),
        FriendRemoved e => Write(w => w.WriteString("peerId", e.PeerId)),
        PeerProtected e => Write(w => WriteProtection(w, e.PeerId, e.Tag)),
        PeerUnprotected e => Write(w => WriteProtection(w, e.PeerId, e.Tag)),
        ByeObligationRecorded e => Write(w => WriteByeObligation(w, e.PeerId, e.NotBeforeMs)),
        PenaltyRecorded e => Write(w => WritePenalty(w, e.PeerId, e.Value, e.LastUpdateMs, e.RetainUntilMs)),
        PeerStoreSnapshot s => Write(w => WriteSnapshot(w, s)),
        _ => throw Unsupported(obj),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        PeerStoreManifests.FriendAdded => Read(bytes, manifest, r => { var f = ReadFriend(r); return new FriendAdded(f.PeerId, f.Multiaddrs); }),
        PeerStoreManifests.FriendRemoved => Read(bytes, manifest, r => new FriendRemoved(r.String("peerId"))),
        PeerStoreManifests.PeerProtected => Read(bytes, manifest, r => { var p = ReadProtection(r); return new PeerProtected(p.PeerId, p.Tag); }),
        PeerStoreManifests.PeerUnprotected => Read(bytes, manifest, r => { var p = ReadProtection(r); return new PeerUnprotected(p.PeerId, p.Tag); }),
        PeerStoreManifests.ByeObligationRecorded => Read(bytes, manifest, r =>
        {
            var o = ReadByeObligation(r);
            return new ByeObligationRecorded(o.PeerId, o.NotBeforeMs);
        }),
        PeerStoreManifests.PenaltyRecorded => Read(bytes, manifest, r =>
        {
            var p = ReadPenalty(r);
            return new PenaltyRecorded(p.PeerId, p.Value, p.LastUpdateMs, p.RetainUntilMs);
        }),
        PeerStoreManifests.Snapshot => Read<object>(bytes, manifest, ReadSnapshot),
        _ => throw new SerializationException(
            $"unknown peer store manifest '{manifest}'; this version reads {string.Join(", ", PeerStoreManifests.All)} " +
            "(was the store written by a newer ConnActors?)"),
    };

    private static ArgumentException Unsupported(object o) =>
        new($"{nameof(PeerStoreSerializer)} does not serialize {o.GetType().FullName}", nameof(o));
}
