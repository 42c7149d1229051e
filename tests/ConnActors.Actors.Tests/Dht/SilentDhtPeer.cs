using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using Google.Protobuf;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>A libp2p host that runs the DHT protocol (identify says so) and never answers a request: a query to it hangs.</summary>
internal static class SilentDhtPeer
{
    public static async Task<Libp2pHost> StartAsync()
    {
        var host = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate(), ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")] });
        host.SetStreamHandler(KadProtocol.Id, async context =>
        {
            try { await Task.Delay(TimeSpan.FromMinutes(2), context.HostStopping); }
            catch (OperationCanceledException) { }
        });
        return host;
    }

    /// <summary>
    /// The silent host queries each server, so each adds it to its routing table (a server that asked us and runs the
    /// protocol) and names it in its answers.
    /// </summary>
    public static async Task AnnounceAsync(Libp2pHost silent, IReadOnlyList<ConnActorsNode> servers, TimeSpan wait)
    {
        var request = new Message { Type = Message.Types.MessageType.FindNode, Key = ByteString.CopyFrom(silent.PeerId.Bytes) };
        foreach (var server in servers)
        {
            var connection = await silent.DialAsync(NodeFixture.AddressOf(server));
            // A server adds a querier once identify has told it the protocol: ask again until it has.
            await Eventually.HoldsAsync(async () =>
            {
                await KadClient.RequestAsync(silent, connection, request, new KadLimits(), wait, default);
                return (await DhtNodes.StatusAsync(server)).Buckets.Any(b => b.Members.Any(m => m.Peer.Id.Equals(silent.PeerId)));
            }, wait, $"{server.Host.PeerId} did not add the silent peer to its routing table");
        }
    }
}
