using System.Net.Sockets;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>Starts hosts on loopback with an echo protocol, for tests.</summary>
public static class Hosts
{
    public const string EchoProtocol = "/echo/1.0.0";

    public static readonly TimeSpan Timeout = Bounded.Limit;

    public static async Task<Libp2pHost> StartAsync(RecordingObserver? observer = null, Func<HostOptions, HostOptions>? configure = null, string listen = "/ip4/127.0.0.1/tcp/0")
    {
        var options = new HostOptions
        {
            Identity = PrivateKey.Generate(),
            ListenAddresses = [Multiaddr.Parse(listen)],
            Observer = (IHostObserver?)observer ?? NullHostObserver.Instance,
        };
        var host = await Libp2pHost.StartAsync(configure is null ? options : configure(options));
        host.SetStreamHandler(EchoProtocol, ctx => ctx.Stream.CopyToAsync(ctx.Stream, ctx.HostStopping));
        return host;
    }

    public static Multiaddr AddressOf(Libp2pHost host) => host.ListenAddresses[0].WithPeerId(host.PeerId);

    /// <summary>Sends <paramref name="payload"/> on an echo stream, half-closes, and returns everything echoed back.</summary>
    public static async Task<byte[]> EchoAsync(Libp2pHost host, Libp2pConnection connection, byte[] payload)
    {
        var stream = await host.NewStreamAsync(connection, [EchoProtocol]).Within("echo: open a stream");
        var reading = ReadAllAsync(stream);
        await stream.WriteAsync(payload).Within("echo: send the payload");
        await stream.CloseWriteAsync().Within("echo: half-close");
        return await reading;
    }

    /// <summary>Everything up to the end of <paramref name="stream"/>; fails when the end does not come in time.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        var ms = new MemoryStream();
        await stream.CopyToAsync(ms).Within("read to the end of the stream");
        return ms.ToArray();
    }

    /// <summary>
    /// Reads <paramref name="stream"/> until the peer resets the connection and returns how many bytes came before; fails
    /// on a clean end of stream, another error, or when neither comes in time.
    /// </summary>
    public static async Task<long> ReadUntilResetAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        long received = 0;
        var ended = await Assert.ThrowsAsync<IOException>(async () =>
        {
            int got;
            while ((got = await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0) received += got;
            throw new InvalidOperationException($"a clean end of stream after {received} bytes instead of a reset");
        });
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(ended.InnerException).SocketErrorCode);
        return received;
    }

    public static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        Random.Shared.NextBytes(b);
        return b;
    }
}
