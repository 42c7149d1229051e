using System.Buffers.Binary;
using System.Net;

namespace ConnActors.Policy.Admission;

/// <summary>
/// The IP address of a remote endpoint in the compact form admission works on: the keys of its
/// IPv4 /32, IPv6 /56 and IPv6 /48 subnets, computed once when the value is made.
/// </summary>
public readonly struct RemoteAddress : IEquatable<RemoteAddress>
{
    private RemoteAddress(bool isIPv6, ulong high, ulong low, bool isLoopback)
    {
        IsIPv6 = isIPv6;
        High = high;
        Low = low;
        IsLoopback = isLoopback;
    }

    /// <summary>True for IPv6 (IPv4-mapped IPv6 addresses are treated as IPv4).</summary>
    public bool IsIPv6 { get; }

    /// <summary>The upper 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits.</summary>
    public ulong High { get; }

    /// <summary>The lower 64 bits of an IPv6 address; 0 for IPv4.</summary>
    public ulong Low { get; }

    /// <summary>True for 127.0.0.0/8 and ::1.</summary>
    public bool IsLoopback { get; }

    /// <summary>The IPv4 /32 key (only meaningful when <see cref="IsIPv6"/> is false).</summary>
    public ulong IPv4Key => High;

    /// <summary>The IPv6 /56 prefix as an integer.</summary>
    public ulong IPv6Slash56Key => High >> 8;

    /// <summary>The IPv6 /48 prefix as an integer.</summary>
    public ulong IPv6Slash48Key => High >> 16;

    /// <summary>
    /// The subnet that shares pending-handshake slots: the IPv4 /24 or the IPv6 /48 (the top bit tells the
    /// families apart). Loopback is not exempt here: fairness costs an honest subnet nothing.
    /// </summary>
    public ulong PendingShareKey => IsIPv6 ? IPv6Slash48Key | (1UL << 63) : IPv4Key >> 8;

    /// <summary>An IPv4 address given as its 32-bit big-endian value.</summary>
    public static RemoteAddress IPv4(uint address) => new(false, address, 0, (address >> 24) == 127);

    /// <summary>An IPv6 address given as its two 64-bit halves.</summary>
    public static RemoteAddress IPv6(ulong high, ulong low) => new(true, high, low, high == 0 && low == 1);

    /// <summary>Converts raw address bytes (4 or 16 bytes, network order) without allocating.</summary>
    public static RemoteAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 4) return IPv4(BinaryPrimitives.ReadUInt32BigEndian(bytes));
        if (bytes.Length != 16) throw new ArgumentException("an IP address has 4 or 16 bytes", nameof(bytes));
        ulong high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        // ::ffff:a.b.c.d is an IPv4 peer and must share its /32's counters.
        if (high == 0 && (low >> 32) == 0xFFFF) return IPv4((uint)low);
        return IPv6(high, low);
    }

    /// <summary>Converts a framework <see cref="IPAddress"/>.</summary>
    public static RemoteAddress From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written)) throw new ArgumentException("unsupported address", nameof(address));
        return FromBytes(bytes[..written]);
    }

    /// <inheritdoc />
    public bool Equals(RemoteAddress other) => IsIPv6 == other.IsIPv6 && High == other.High && Low == other.Low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RemoteAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(IsIPv6, High, Low);

    /// <inheritdoc />
    public override string ToString()
    {
        if (!IsIPv6) return $"{(High >> 24) & 255}.{(High >> 16) & 255}.{(High >> 8) & 255}.{High & 255}";
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return new IPAddress(bytes).ToString();
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(RemoteAddress left, RemoteAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RemoteAddress left, RemoteAddress right) => !left.Equals(right);
}
