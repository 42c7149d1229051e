using System.Net.Sockets;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Host;

/// <summary>
/// <c>TcpConnection.CloseAcknowledgedThenResetAsync</c> on real loopback sockets: the reset (which frees a NAT router's
/// entry sooner than a FIN) comes only after the peer acknowledged every byte, so nothing sent is lost; a peer that
/// never reads is reset at the bound.
/// </summary>
public class ResetOnCloseTests
{
    private static readonly TimeSpan Timeout = Hosts.Timeout;
    // More than loopback's send and receive buffers hold together: a writer blocks on it while the peer does not read.
    private const int Sent = 32 * 1024 * 1024;
    // More than the peer's receive window while it does not read, less than both buffers hold: it is handed to the
    // kernel at once, and part of it waits in our send queue until the peer reads.
    private const int Queued = 1024 * 1024;

    [Fact]
    public async Task A_peer_that_reads_late_gets_every_byte_then_a_reset_not_an_end_of_stream()
    {
        await using var pair = await TcpPair.ConnectAsync();
        // As the host does: the close starts once everything was handed to the kernel, part of it not yet delivered.
        Assert.Equal(Queued, await WriteQuietlyAsync(pair.Dialer, Queued).WaitAsync(Timeout));
        await Task.Delay(100);
        Assert.False(pair.Dialer.SentDataAcknowledged, "everything was delivered before the close: nothing the reset could lose");
        var closing = pair.Dialer.CloseAcknowledgedThenResetAsync(Timeout);
        await Task.Delay(300); // the peer reads only now

        long received = await Hosts.ReadUntilResetAsync(pair.Listener.Stream);
        Assert.True(await closing.WaitAsync(Timeout), "the reset came before the peer acknowledged everything");
        Assert.Equal(Queued, received);
    }

    [Fact]
    public async Task A_peer_that_never_reads_is_reset_once_the_wait_is_over()
    {
        await using var pair = await TcpPair.ConnectAsync();
        var writing = WriteQuietlyAsync(pair.Dialer, Sent);
        await Task.Delay(300);
        var started = DateTime.UtcNow;
        bool acknowledged = await pair.Dialer.CloseAcknowledgedThenResetAsync(TimeSpan.FromMilliseconds(500)).WaitAsync(Timeout);
        Assert.False(acknowledged, "the peer never read, yet everything was acknowledged");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(450), "reset before the wait was over");
        Assert.True(await writing.WaitAsync(Timeout) < Sent, "the write finished, though the peer never read");
        await Hosts.ReadUntilResetAsync(pair.Listener.Stream);
    }

    // Writes up to count bytes; returns how many the socket took before it closed under the write.
    private static async Task<long> WriteQuietlyAsync(Transport.TcpConnection connection, int count)
    {
        var chunk = new byte[256 * 1024];
        long written = 0;
        try
        {
            while (written < count)
            {
                int n = (int)Math.Min(chunk.Length, count - written);
                await connection.Stream.WriteAsync(chunk.AsMemory(0, n));
                written += n;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException) { }
        return written;
    }
}
