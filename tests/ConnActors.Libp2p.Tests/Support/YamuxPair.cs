using System.Threading.Channels;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>Two yamux sessions over a real loopback TCP connection; inbound streams land in a channel.</summary>
public sealed class YamuxPair : IAsyncDisposable
{
    private readonly TcpPair _tcp;

    private YamuxPair(TcpPair tcp, YamuxOptions client, YamuxOptions server)
    {
        _tcp = tcp;
        Client = new YamuxSession(tcp.Dialer.Stream, true, client, s => ClientInbound.Writer.WriteAsync(s).AsTask());
        Server = new YamuxSession(tcp.Listener.Stream, false, server, s => ServerInbound.Writer.WriteAsync(s).AsTask());
        Client.Start();
        Server.Start();
    }

    public YamuxSession Client { get; }

    public YamuxSession Server { get; }

    public Channel<YamuxStream> ClientInbound { get; } = Channel.CreateUnbounded<YamuxStream>();

    public Channel<YamuxStream> ServerInbound { get; } = Channel.CreateUnbounded<YamuxStream>();

    public static async Task<YamuxPair> StartAsync(YamuxOptions? options = null, YamuxOptions? server = null) =>
        new(await TcpPair.ConnectAsync(), options ?? new YamuxOptions(), server ?? options ?? new YamuxOptions());

    public async Task<(YamuxStream Local, YamuxStream Remote)> OpenAsync()
    {
        var local = await Client.OpenStreamAsync(CancellationToken.None).Within("open a yamux stream");
        var remote = await ServerInbound.Reader.ReadAsync().AsTask().WaitAsync(Hosts.Timeout);
        return (local, remote);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().Within("close the client session");
        await Server.DisposeAsync().Within("close the server session");
        await _tcp.DisposeAsync();
    }
}
