using ConnActors.Libp2p.Host;

namespace ConnActors.Libp2p.Tests.Bench;

/// <summary>A C# libp2p listener in its own process, speaking the same JSON-line protocol as tests/interop/peer.mjs.</summary>
internal static class ListenerProgram
{
    public static async Task RunAsync()
    {
        await using var host = await Libp2pHost.StartAsync(new HostOptions
        {
            Identity = PrivateKey.Generate(),
            ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")],
            MaxPendingInboundHandshakes = 20_000,
            HandshakeTimeout = TimeSpan.FromSeconds(60),
            IdleBeforeHandshakeTimeout = TimeSpan.FromSeconds(60),
        });
        await JsonLineListener.ServeAsync(host.PeerId, host.ListenAddresses, (command, reply) =>
        {
            if (command != "connectionCount") return Task.FromResult(false);
            reply["count"] = host.Connections.Count;
            return Task.FromResult(true);
        });
    }
}
