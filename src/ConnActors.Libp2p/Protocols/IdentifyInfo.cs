using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Libp2p.Protocols;

/// <summary>The Identify message (/ipfs/id/1.0.0). Fields a push omits are null or empty.</summary>
public sealed record IdentifyInfo
{
    public string? ProtocolVersion { get; init; }

    public string? AgentVersion { get; init; }

    public PublicKey? PublicKey { get; init; }

    public IReadOnlyList<Multiaddr> ListenAddresses { get; init; } = [];

    public Multiaddr? ObservedAddress { get; init; }

    public IReadOnlyList<string> Protocols { get; init; } = [];

    public byte[] ToProtobuf()
    {
        var w = new ProtoWriter();
        if (PublicKey is not null) w.WriteBytes(1, PublicKey.ToProtobuf());
        foreach (var a in ListenAddresses) w.WriteBytes(2, a.ToBytes());
        foreach (var p in Protocols) w.WriteString(3, p);
        if (ObservedAddress is not null) w.WriteBytes(4, ObservedAddress.ToBytes());
        if (ProtocolVersion is not null) w.WriteString(5, ProtocolVersion);
        if (AgentVersion is not null) w.WriteString(6, AgentVersion);
        return w.ToArray();
    }

    /// <summary>Listen addresses kept from one message; more are ignored (a 64 KiB message could name some 16,000).</summary>
    public const int MaxListenAddresses = 64;

    /// <summary>Protocols kept from one message; more are ignored.</summary>
    public const int MaxProtocols = 256;

    /// <summary>
    /// Parses an Identify message; addresses this node cannot parse are skipped, not fatal, and addresses and protocols past
    /// <see cref="MaxListenAddresses"/> and <see cref="MaxProtocols"/> are ignored: they are kept for every connection.
    /// </summary>
    /// <exception cref="FormatException">Malformed protobuf or public key.</exception>
    public static IdentifyInfo FromProtobuf(byte[] bytes)
    {
        string? protocolVersion = null, agent = null;
        PublicKey? key = null;
        Multiaddr? observed = null;
        var addrs = new List<Multiaddr>();
        var protocols = new List<string>();
        foreach (var f in ProtoReader.ReadAll(bytes))
        {
            if (f.WireType != 2) continue;
            switch (f.Number)
            {
                case 1: key = PublicKey.FromProtobuf(f.Bytes); break;
                case 2: if (addrs.Count < MaxListenAddresses && TryAddress(f.Bytes, out var a)) addrs.Add(a!); break;
                case 3: if (protocols.Count < MaxProtocols) protocols.Add(Utf8(f.Bytes)); break;
                case 4: if (TryAddress(f.Bytes, out var o)) observed = o; break;
                case 5: protocolVersion = Utf8(f.Bytes); break;
                case 6: agent = Utf8(f.Bytes); break;
            }
        }
        return new IdentifyInfo
        {
            ProtocolVersion = protocolVersion, AgentVersion = agent, PublicKey = key,
            ListenAddresses = addrs, ObservedAddress = observed, Protocols = protocols,
        };
    }

    /// <summary>A push updates only what it carries.</summary>
    public IdentifyInfo Merge(IdentifyInfo push) => this with
    {
        ProtocolVersion = push.ProtocolVersion ?? ProtocolVersion,
        AgentVersion = push.AgentVersion ?? AgentVersion,
        PublicKey = push.PublicKey ?? PublicKey,
        ListenAddresses = push.ListenAddresses.Count > 0 ? push.ListenAddresses : ListenAddresses,
        ObservedAddress = push.ObservedAddress ?? ObservedAddress,
        Protocols = push.Protocols.Count > 0 ? push.Protocols : Protocols,
    };

    private static string Utf8(ReadOnlyMemory<byte> b) => System.Text.Encoding.UTF8.GetString(b.Span);

    private static bool TryAddress(ReadOnlyMemory<byte> b, out Multiaddr? address)
    {
        try { address = Multiaddr.FromBytes(b.Span); return true; }
        catch (MultiaddrFormatException) { address = null; return false; }
    }
}
