using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Node.Tests.Support;

/// <summary>Peers that exist only as identities: fresh PeerIds at loopback addresses nobody listens on.</summary>
internal static class TestPeers
{
    public static string NewPeerId() => PrivateKey.Generate().PeerId.ToString();

    /// <summary>A friend address: loopback, a port just released (so nothing listens there), and a fresh PeerId.</summary>
    public static (string PeerId, string Address) UnreachableFriend()
    {
        string peer = NewPeerId();
        return (peer, $"/ip4/127.0.0.1/tcp/{ReleasedPort()}/p2p/{peer}");
    }

    public static int ReleasedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
