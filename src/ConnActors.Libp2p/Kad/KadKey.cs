using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// A position in the Kademlia keyspace: the SHA-256 of a key (of a peer, the SHA-256 of its multihash
/// bytes), as the kad-dht spec defines distance: <c>XOR(sha256(key1), sha256(key2))</c>.
/// Held as four big-endian words, so XOR, ordering and common-prefix length are a few instructions.
/// </summary>
public readonly struct KadKey : IEquatable<KadKey>, IComparable<KadKey>
{
    /// <summary>Bits in the keyspace.</summary>
    public const int Bits = 256;

    private readonly ulong _w0, _w1, _w2, _w3;

    private KadKey(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>The position of an arbitrary key (a provider multihash, a record key, a peer id's bytes).</summary>
    public static KadKey FromKey(ReadOnlySpan<byte> key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return FromHash(hash);
    }

    /// <summary>The position of a peer.</summary>
    public static KadKey FromPeer(PeerId peer) => FromKey(peer.Bytes);

    /// <summary>A key from its 32 hash bytes.</summary>
    public static KadKey FromHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != 32) throw new ArgumentException($"a Kademlia key has 32 bytes, not {hash.Length}", nameof(hash));
        return new KadKey(
            BinaryPrimitives.ReadUInt64BigEndian(hash),
            BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));
    }

    /// <summary>The XOR distance to <paramref name="other"/>, itself a key (compare distances with <see cref="CompareTo"/>).</summary>
    public KadKey Xor(KadKey other) => new(_w0 ^ other._w0, _w1 ^ other._w1, _w2 ^ other._w2, _w3 ^ other._w3);

    /// <summary>How many leading bits this key shares with <paramref name="other"/> (256 for equal keys).</summary>
    public int CommonPrefixLength(KadKey other)
    {
        var d = Xor(other);
        if (d._w0 != 0) return BitOperations.LeadingZeroCount(d._w0);
        if (d._w1 != 0) return 64 + BitOperations.LeadingZeroCount(d._w1);
        if (d._w2 != 0) return 128 + BitOperations.LeadingZeroCount(d._w2);
        if (d._w3 != 0) return 192 + BitOperations.LeadingZeroCount(d._w3);
        return Bits;
    }

    /// <summary>Orders <paramref name="a"/> and <paramref name="b"/> by their distance to this key (closer first).</summary>
    public int CompareDistance(KadKey a, KadKey b) => a.Xor(this).CompareTo(b.Xor(this));

    /// <summary>Unsigned big-endian order: as distances, smaller is closer.</summary>
    public int CompareTo(KadKey other)
    {
        int c = _w0.CompareTo(other._w0);
        if (c != 0) return c;
        c = _w1.CompareTo(other._w1);
        if (c != 0) return c;
        c = _w2.CompareTo(other._w2);
        return c != 0 ? c : _w3.CompareTo(other._w3);
    }

    /// <summary>The 32 bytes of the key.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), _w1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), _w2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(24), _w3);
        return bytes;
    }

    public bool Equals(KadKey other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is KadKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    public static bool operator ==(KadKey left, KadKey right) => left.Equals(right);

    public static bool operator !=(KadKey left, KadKey right) => !left.Equals(right);

    public static bool operator <(KadKey left, KadKey right) => left.CompareTo(right) < 0;

    public static bool operator >(KadKey left, KadKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(KadKey left, KadKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(KadKey left, KadKey right) => left.CompareTo(right) >= 0;

    public override string ToString() => Convert.ToHexStringLower(ToBytes());
}
