using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multistream;
using ConnActors.Libp2p.Noise;
using ConnActors.Libp2p.Transport;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>A hand-driven client that stops wherever a test wants to misbehave.</summary>
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
        await socket.ConnectAsync(endPoint);
        return new RawPeer(new TcpConnection(socket));
    }

    public Task SendAsync(byte[] bytes) => Tcp.Stream.WriteAsync(bytes).AsTask();

    public Task SelectAsync(string protocol) => MultistreamSelect.SelectAsync(Tcp.Stream, [protocol], CancellationToken.None);

    /// <summary>Negotiates Noise and runs it, optionally with a forged payload.</summary>
    internal async Task SecureAsync(Func<PrivateKey, byte[], NoiseHandshakePayload>? payload = null)
    {
        await SelectAsync(NoiseHandshake.ProtocolId);
        Secure = await NoiseHandshake.RunAsync(Tcp.Stream, true, NoiseStaticKey.Create(Identity, payload ?? NoiseHandshakePayload.Create), null, CancellationToken.None);
    }

    /// <summary>Secured and yamux negotiated: ready to send raw yamux frames.</summary>
    public async Task<NoiseSecureStream> UpToYamuxAsync()
    {
        await SecureAsync();
        await MultistreamSelect.SelectAsync(Secure!, [YamuxOptions.ProtocolId], CancellationToken.None);
        return Secure!;
    }

    /// <summary>Sends a raw yamux frame; the host may cut the connection mid-frame, which is not an error here.</summary>
    internal async Task SendFrameAsync(byte version, YamuxFrameType type, YamuxFlags flags, uint stream, uint length, byte[]? payload = null)
    {
        var frame = new byte[YamuxHeader.Size + (payload?.Length ?? 0)];
        new YamuxHeader(version, type, flags, stream, length).Write(frame);
        payload?.CopyTo(frame, YamuxHeader.Size);
        try { await Secure!.WriteAsync(frame); }
        catch (IOException) { }
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
    }

    public ValueTask DisposeAsync()
    {
        Tcp.Abort();
        return ValueTask.CompletedTask;
    }
}
