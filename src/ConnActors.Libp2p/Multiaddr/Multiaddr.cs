using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Multiaddress;

/// <summary>A self-describing network address (multiformats multiaddr), immutable.</summary>
public sealed class Multiaddr : IEquatable<Multiaddr>
{
    private readonly string _text;

    public Multiaddr(IReadOnlyList<MultiaddrComponent> components)
    {
        if (components.Count == 0) throw new MultiaddrFormatException("a multiaddr needs at least one component");
        Components = components;
        _text = string.Concat(components.Select(c => c.ToString()));
    }

    public IReadOnlyList<MultiaddrComponent> Components { get; }

    /// <exception cref="MultiaddrFormatException">Malformed text.</exception>
    public static Multiaddr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('/')) throw new MultiaddrFormatException($"'{text}' does not start with '/'");
        var parts = text.TrimEnd('/').Split('/')[1..];
        var components = new List<MultiaddrComponent>();
        for (var i = 0; i < parts.Length; i++)
        {
            var protocol = MultiaddrProtocol.FromName(parts[i])
                ?? throw new MultiaddrFormatException($"unknown protocol '{parts[i]}' in '{text}'");
            if (protocol.Kind == ValueKind.None)
            {
                components.Add(new MultiaddrComponent(protocol, []));
                continue;
            }
            if (++i >= parts.Length) throw new MultiaddrFormatException($"/{protocol.Name} lacks its value in '{text}'");
            components.Add(MultiaddrComponent.FromText(protocol, parts[i]));
        }
        return new Multiaddr(components);
    }

    public static bool TryParse(string text, out Multiaddr? address)
    {
        try { address = Parse(text); return true; }
        catch (MultiaddrFormatException) { address = null; return false; }
    }

    /// <exception cref="MultiaddrFormatException">Malformed bytes or an unknown protocol code.</exception>
    public static Multiaddr FromBytes(ReadOnlySpan<byte> bytes)
    {
        var components = new List<MultiaddrComponent>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            ulong code;
            int n;
            try { code = Varint.Read(bytes[pos..], out n); }
            catch (FormatException e) { throw new MultiaddrFormatException($"bad protocol code at byte {pos}: {e.Message}", e); }
            pos += n;
            var protocol = MultiaddrProtocol.FromCode((int)Math.Min(code, int.MaxValue))
                ?? throw new MultiaddrFormatException($"unknown protocol code {code} at byte {pos - n}") { UnknownProtocol = true };
            components.Add(MultiaddrComponent.FromBinary(protocol, bytes[pos..], out var used));
            pos += used;
        }
        return new Multiaddr(components);
    }

    public byte[] ToBytes()
    {
        var result = new byte[Components.Sum(c => c.BinaryLength)];
        var pos = 0;
        foreach (var c in Components)
        {
            pos += Varint.Write(result.AsSpan(pos), (ulong)c.Protocol.Code);
            if (c.Protocol.Kind is ValueKind.Text or ValueKind.PeerId) pos += Varint.Write(result.AsSpan(pos), (ulong)c.Value.Length);
            c.Value.CopyTo(result, pos);
            pos += c.Value.Length;
        }
        return result;
    }

    /// <summary>/ip4|ip6/.../tcp/port for an endpoint.</summary>
    public static Multiaddr FromEndPoint(IPEndPoint endPoint)
    {
        var ip = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var family = ip.AddressFamily == AddressFamily.InterNetwork ? "ip4" : "ip6";
        return Parse($"/{family}/{ip}/tcp/{endPoint.Port}");
    }

    /// <summary>The /ip4|ip6 + /tcp endpoint at the start of this address, if that is its shape.</summary>
    public IPEndPoint? ToTcpEndPoint()
    {
        if (Components.Count < 2 || Components[1].Protocol != MultiaddrProtocol.Tcp) return null;
        var first = Components[0];
        if (first.Protocol != MultiaddrProtocol.Ip4 && first.Protocol != MultiaddrProtocol.Ip6) return null;
        return new IPEndPoint(new IPAddress(first.Value), System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(Components[1].Value));
    }

    /// <summary>The peer id of a trailing /p2p component, if any.</summary>
    public PeerId? PeerId => Components[^1].Protocol == MultiaddrProtocol.P2p ? Identity.PeerId.FromBytes(Components[^1].Value) : null;

    public Multiaddr WithoutPeerId() =>
        PeerId is null || Components.Count == 1 ? this : new Multiaddr(Components.Take(Components.Count - 1).ToList());

    public Multiaddr WithPeerId(PeerId peer) =>
        new([.. WithoutPeerId().Components, new MultiaddrComponent(MultiaddrProtocol.P2p, peer.ToBytes())]);

    public override string ToString() => _text;

    public bool Equals(Multiaddr? other) => other is not null && other._text == _text;

    public override bool Equals(object? obj) => obj is Multiaddr m && Equals(m);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);
}
