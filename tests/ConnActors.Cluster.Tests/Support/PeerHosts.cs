using ConnActors.Actors.Host;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Cluster.Tests.Support;

/// <summary>Plain libp2p hosts listening on loopback: the peers a fleet connects to, trims, hands off and dedups.</summary>
internal sealed class PeerHosts : IAsyncDisposable
{
    private readonly List<Libp2pHost> _hosts = new();

    public IReadOnlyList<Libp2pHost> All => _hosts;

    public static async Task<PeerHosts> StartAsync(int count)
    {
        var peers = new PeerHosts();
        for (int i = 0; i < count; i++)
        {
            peers._hosts.Add(await Libp2pHost.StartAsync(new HostOptions
            {
                Identity = PrivateKey.Generate(),
                ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")],
            }));
        }
        return peers;
    }

    public static Multiaddr AddressOf(Libp2pHost host) => host.ListenAddresses[0].WithPeerId(host.PeerId);

    public static Multiaddr AddressOf(ConnActorsNode node) => node.Host.ListenAddresses[0].WithPeerId(node.Host.PeerId);

    /// <summary>Which of <paramref name="nodes"/> hold a connection to <paramref name="peer"/> now.</summary>
    public static IReadOnlyList<string> HoldersOf(PeerId peer, IReadOnlyDictionary<string, ConnActorsNode> nodes) =>
        nodes.Where(n => n.Value.Host.ConnectionsTo(peer).Any()).Select(n => n.Key).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }
}
