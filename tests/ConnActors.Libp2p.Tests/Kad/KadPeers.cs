using ConnActors.Libp2p.Kad;

namespace ConnActors.Libp2p.Tests.Kad;

/// <summary>Peers for DHT tests: sha2-256-shaped ids from a seed (cheap, deterministic), on loopback addresses.</summary>
internal static class KadPeers
{
    public static PeerId Id(Random random)
    {
        var bytes = new byte[34];
        bytes[0] = 0x12;
        bytes[1] = 32;
        random.NextBytes(bytes.AsSpan(2));
        return PeerId.FromBytes(bytes);
    }

    public static KadPeer Peer(Random random, int port = 4001) => new(Id(random), [Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}")]);

    public static List<KadPeer> Many(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => Peer(random, 4000 + i)).ToList();
    }
}
