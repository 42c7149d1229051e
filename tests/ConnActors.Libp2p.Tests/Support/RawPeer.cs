using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multistream;
using ConnActors.Libp2p.Noise;
using ConnActors.Libp2p.Transport;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>A hand-driven client that stops wherever a test wants to misbehave; every step is bounded.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    private RawPeer(TcpConnection tcp) => Tcp = tcp;

    public TcpConnection Tcp { get; }

    public PrivateKey Identity { get; } = PrivateKey.Generate();

    public NoiseSecureStream? Secure { get; private set; }

    public static async Task<RawPeer> ConnectAsync(Libp2pHost host) =>
        new(await TcpTransport.DialAsync(host.ListenAddresses[0].ToTcpEndPoint()!, TimeSpan.FromSeconds(5), CancellationToken.None));

    /// <summary>A peer with a tiny receive buffer, so the host's answers back up when it stops reading.</summary>
    public static async Task<RawPeer> ConnectWithSmallReceiveBufferAsync(Libp2pHost host)
    {
        var endPoint = host.ListenAddresses[0].ToTcpEndPoint()!;
        var socket = new System.Net.Sockets.Socket(endPoint.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
        {
            ReceiveBufferSize = 4096,
        };
        using var timeout = new CancellationTokenSource(Bounded.Limit);
        await socket.ConnectAsync(endPoint, timeout.Token);
        return new RawPeer(new TcpConnection(socket));
    }

    public Task SendAsync(byte[] bytes) => Tcp.Stream.WriteAsync(bytes).Within("raw peer: send to the host");

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes of what the host sent.</summary>
    public Task ReadExactlyAsync(byte[] buffer) => Tcp.Stream.ReadExactlyAsync(buffer).Within("raw peer: read from the host");

    public async Task SelectAsync(string protocol)
    {
        using var timeout = new CancellationTokenSource(Bounded.Limit);
        await MultistreamSelect.SelectAsync(Tcp.Stream, [protocol], timeout.Token).Within($"raw peer: select {protocol}");
    }

    /// <summary>Negotiates Noise and runs it, optionally with a forged payload.</summary>
    internal async Task SecureAsync(Func<PrivateKey, byte[], NoiseHandshakePayload>? payload = null)
    {
        await SelectAsync(NoiseHandshake.ProtocolId);
        using var timeout = new CancellationTokenSource(Bounded.Limit);
        Secure = await NoiseHandshake.RunAsync(Tcp.Stream, true, NoiseStaticKey.Create(Identity, payload ?? NoiseHandshakePayload.Create), null, timeout.Token)
            .Within("raw peer: noise handshake");
    }

    /// <summary>Secured and yamux negotiated: ready to send raw yamux frames.</summary>
    public async Task<NoiseSecureStream> UpToYamuxAsync()
    {
        await SecureAsync();
        using var timeout = new CancellationTokenSource(Bounded.Limit);
        await MultistreamSelect.SelectAsync(Secure!, [YamuxOptions.ProtocolId], timeout.Token).Within("raw peer: select yamux");
        return Secure!;
    }

    /// <summary>
    /// Sends a raw yamux frame; the host may cut the connection mid-frame, which is not an error here.
    /// A host that neither reads nor closes the connection fails the test.
    /// </summary>
    internal async Task SendFrameAsync(byte version, YamuxFrameType type, YamuxFlags flags, uint stream, uint length, byte[]? payload = null)
    {
        var frame = new byte[YamuxHeader.Size + (payload?.Length ?? 0)];
        new YamuxHeader(version, type, flags, stream, length).Write(frame);
        payload?.CopyTo(frame, YamuxHeader.Size);
        using var timeout = new CancellationTokenSource(Bounded.Limit);
        try { await Secure!.WriteAsync(frame, timeout.Token); }
        catch (IOException) { }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"raw peer: the host neither read a yamux frame nor closed the connection for {Bounded.Limit.TotalSeconds} s");
        }
    }

    /// <summary>Completes when the host has closed this connection (end of stream or reset).</summary>
    public async Task WaitClosedByRemoteAsync(TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await Tcp.Stream.ReadAsync(buffer, cts.Token) > 0) { }
        }
        catch (IOException) { }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"raw peer: the host did not close the connection within {timeout.TotalSeconds} s");
        }
    }

    public ValueTask DisposeAsync()
    {
        Tcp.Abort();
        return ValueTask.CompletedTask;
    }
}
