using System.Net;
using System.Net.Sockets;

namespace ConnActors.Actors.Tests.Support;

/// <summary>Loopback ports for tests.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port nothing listens on now (the kernel's pick, released at once).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
