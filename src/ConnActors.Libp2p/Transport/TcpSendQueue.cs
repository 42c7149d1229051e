using System.Runtime.InteropServices;
using System.Net.Sockets;

namespace ConnActors.Libp2p.Transport;

/// <summary>Whether the peer has acknowledged every byte a socket sent, read from the kernel (Linux TCP_INFO).</summary>
internal static class TcpSendQueue
{
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    // struct tcp_info (linux/tcp.h, native byte order): tcpi_unacked (segments sent, not yet acknowledged) is the u32 at byte 24,
    // tcpi_notsent_bytes (queued, not yet sent; Linux 4.6+) the u32 at byte 144.
    private const int UnackedOffset = 24;
    private const int NotSentOffset = 144;

    /// <summary>
    /// True when nothing sent on <paramref name="socket"/> waits for the peer's acknowledgement and nothing waits to be
    /// sent; false while something does, when the socket is gone, or where the kernel does not say (not Linux).
    /// </summary>
    public static bool IsEmpty(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return false;
        Span<byte> info = stackalloc byte[256];
        int length;
        try { length = socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info); }
        catch (SocketException) { return false; }
        catch (ObjectDisposedException) { return false; }
        if (length < NotSentOffset + 4) return false;
        return MemoryMarshal.Read<uint>(info[UnackedOffset..]) == 0
            && MemoryMarshal.Read<uint>(info[NotSentOffset..]) == 0;
    }
}
