using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;

namespace ConnActors.Libp2p.Tests.Kad;

/// <summary>An in-memory DHT of <c>size</c> peers whose every routing table holds every peer; some peers are offline.</summary>
internal sealed class KadTestNetwork
{
    public KadTestNetwork(int size, int k, int seed, int offlinePercent)
    {
        Peers = KadPeers.Many(size, seed);
        var random = new Random(seed);
        foreach (var peer in Peers)
        {
            var table = new RoutingTable(peer.Id, k, 0);
            foreach (var other in Peers.OrderBy(_ => random.Next())) table.Add(other, 0);
            Tables[peer.Id] = table;
        }
        foreach (var peer in Peers.Skip(1)) if (random.Next(100) < offlinePercent) Offline.Add(peer.Id);
    }

    public List<KadPeer> Peers { get; }

    public Dictionary<PeerId, RoutingTable> Tables { get; } = new();

    public HashSet<PeerId> Offline { get; } = new();
}
