using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Multiaddress;

/// <summary>One protocol/value pair of a multiaddr; the value is kept in its binary form.</summary>
public sealed record MultiaddrComponent(MultiaddrProtocol Protocol, byte[] Value)
{
    public string ValueText => Protocol.Kind switch
    {
        ValueKind.None => "",
        ValueKind.Ip4 or ValueKind.Ip6 => new IPAddress(Value).ToString(),
        ValueKind.Port => BinaryPrimitives.ReadUInt16BigEndian(Value).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValueKind.Text => System.Text.Encoding.UTF8.GetString(Value),
        ValueKind.PeerId => PeerId.FromBytes(Value).ToString(),
        _ => throw new InvalidOperationException(),
    };

    public override string ToString() => Protocol.Kind == ValueKind.None ? "/" + Protocol.Name : $"/{Protocol.Name}/{ValueText}";

    public static MultiaddrComponent FromText(MultiaddrProtocol protocol, string text)
    {
        try
        {
            return new MultiaddrComponent(protocol, protocol.Kind switch
            {
                ValueKind.Ip4 => ParseIp(text, AddressFamily.InterNetwork),
                ValueKind.Ip6 => ParseIp(text, AddressFamily.InterNetworkV6),
                ValueKind.Port => PortBytes(ushort.Parse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture)),
                ValueKind.Text => text.Length > 0 ? System.Text.Encoding.UTF8.GetBytes(text) : throw new FormatException("empty name"),
                ValueKind.PeerId => PeerId.Parse(text).ToBytes(),
                _ => [],
            });
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new MultiaddrFormatException($"invalid value '{text}' for /{protocol.Name}: {e.Message}", e);
        }
    }

    /// <summary>Reads the value of <paramref name="protocol"/> at the start of <paramref name="data"/>.</summary>
    public static MultiaddrComponent FromBinary(MultiaddrProtocol protocol, ReadOnlySpan<byte> data, out int consumed)
    {
        int size;
        var offset = 0;
        switch (protocol.Kind)
        {
            case ValueKind.None: size = 0; break;
            case ValueKind.Ip4: size = 4; break;
            case ValueKind.Ip6: size = 16; break;
            case ValueKind.Port: size = 2; break;
            default:
                if (!Varint.TryRead(data, out var len, out offset)) throw new MultiaddrFormatException($"truncated length of /{protocol.Name}");
                if (len > (ulong)(data.Length - offset)) throw new MultiaddrFormatException($"/{protocol.Name} declares {len} bytes but {data.Length - offset} remain");
                size = (int)len;
                break;
        }
        if (data.Length - offset < size) throw new MultiaddrFormatException($"truncated value of /{protocol.Name}");
        consumed = offset + size;
        var value = data.Slice(offset, size).ToArray();
        try
        {
            if (protocol.Kind == ValueKind.PeerId) PeerId.FromBytes(value);
            if (protocol.Kind == ValueKind.Text && value.Length == 0) throw new FormatException("empty name");
        }
        catch (FormatException e)
        {
            throw new MultiaddrFormatException($"invalid value of /{protocol.Name}: {e.Message}", e);
        }
        return new MultiaddrComponent(protocol, value);
    }

    public int BinaryLength => Varint.SizeOf((ulong)Protocol.Code) + Value.Length +
        (Protocol.Kind is ValueKind.Text or ValueKind.PeerId ? Varint.SizeOf((ulong)Value.Length) : 0);

    public bool Equals(MultiaddrComponent? other) =>
        other is not null && other.Protocol == Protocol && other.Value.AsSpan().SequenceEqual(Value);

    public override int GetHashCode() => HashCode.Combine(Protocol.Code, Value.Length);

    private static byte[] ParseIp(string text, AddressFamily family)
    {
        var dotted = family != AddressFamily.InterNetwork || text.Split('.').Length == 4;
        if (!dotted || !IPAddress.TryParse(text, out var ip) || ip.AddressFamily != family || text.Contains('%'))
            throw new FormatException($"not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address");
        return ip.GetAddressBytes();
    }

    private static byte[] PortBytes(ushort port)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, port);
        return b;
    }
}
