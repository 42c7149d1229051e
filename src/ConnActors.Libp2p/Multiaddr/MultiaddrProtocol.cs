namespace ConnActors.Libp2p.Multiaddress;

/// <summary>How a protocol's value is laid out in the binary form.</summary>
public enum ValueKind
{
    None,
    Ip4,
    Ip6,
    Port,
    Text,
    PeerId,
}

/// <summary>One protocol of the multiaddr table (multicodec code, name, value layout).</summary>
public sealed record MultiaddrProtocol(int Code, string Name, ValueKind Kind)
{
    public static readonly MultiaddrProtocol Ip4 = new(4, "ip4", ValueKind.Ip4);
    public static readonly MultiaddrProtocol Tcp = new(6, "tcp", ValueKind.Port);
    public static readonly MultiaddrProtocol Ip6 = new(41, "ip6", ValueKind.Ip6);
    public static readonly MultiaddrProtocol Dns = new(53, "dns", ValueKind.Text);
    public static readonly MultiaddrProtocol Dns4 = new(54, "dns4", ValueKind.Text);
    public static readonly MultiaddrProtocol Dns6 = new(55, "dns6", ValueKind.Text);
    public static readonly MultiaddrProtocol DnsAddr = new(56, "dnsaddr", ValueKind.Text);
    public static readonly MultiaddrProtocol Udp = new(273, "udp", ValueKind.Port);
    public static readonly MultiaddrProtocol P2pCircuit = new(290, "p2p-circuit", ValueKind.None);
    public static readonly MultiaddrProtocol P2p = new(421, "p2p", ValueKind.PeerId);
    public static readonly MultiaddrProtocol Tls = new(448, "tls", ValueKind.None);
    public static readonly MultiaddrProtocol Quic = new(460, "quic", ValueKind.None);
    public static readonly MultiaddrProtocol QuicV1 = new(461, "quic-v1", ValueKind.None);
    public static readonly MultiaddrProtocol Ws = new(477, "ws", ValueKind.None);
    public static readonly MultiaddrProtocol Wss = new(478, "wss", ValueKind.None);

    private static readonly MultiaddrProtocol[] All = [Ip4, Tcp, Ip6, Dns, Dns4, Dns6, DnsAddr, Udp, P2pCircuit, P2p, Tls, Quic, QuicV1, Ws, Wss];
    private static readonly Dictionary<int, MultiaddrProtocol> ByCode = All.ToDictionary(p => p.Code);
    private static readonly Dictionary<string, MultiaddrProtocol> ByName =
        All.ToDictionary(p => p.Name).Concat([new KeyValuePair<string, MultiaddrProtocol>("ipfs", P2p)]).ToDictionary();

    public static MultiaddrProtocol? FromCode(int code) => ByCode.GetValueOrDefault(code);

    public static MultiaddrProtocol? FromName(string name) => ByName.GetValueOrDefault(name);
}
