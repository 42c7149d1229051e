using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Node.Tests.Support;

/// <summary>Real libp2p hosts (ConnActors.Libp2p: TCP, Noise, Yamux, Identify) in the test process, listening on loopback; they dial the node under test or wait to be dialed.</summary>
internal sealed class LivePeers : IAsyncDisposable
{
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(20);
    private readonly List<Libp2pHost> _hosts = [];

    public IReadOnlyList<Libp2pHost> Hosts => _hosts;

    /// <summary>Starts a host listening on 127.0.0.1 (any port).</summary>
    public async Task<Libp2pHost> StartAsync()
    {
        var host = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate(), ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")] });
        _hosts.Add(host);
        return host;
    }

    /// <summary>Starts <paramref name="count"/> hosts and has each dial <paramref name="node"/>.</summary>
    public async Task DialAsync(string node, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await DialFromAsync(await StartAsync(), node);
        }
    }

    /// <summary>Has <paramref name="host"/> dial <paramref name="node"/>; fails when the dial fails or times out.</summary>
    public async Task DialFromAsync(Libp2pHost host, string node)
    {
        using var cancel = new CancellationTokenSource(DialTimeout);
        await host.DialAsync(Multiaddr.Parse(node), cancel.Token);
    }

    /// <summary>Stops host <paramref name="index"/> (its connections close).</summary>
    public async Task DisposeHostAsync(int index)
    {
        var host = _hosts[index];
        _hosts.RemoveAt(index);
        await host.DisposeAsync();
    }

    /// <summary>The address of <paramref name="host"/> with its /p2p/ id, as a friend address.</summary>
    public static string AddressOf(Libp2pHost host) => $"{host.ListenAddresses[0]}/p2p/{host.PeerId}";

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }
}
