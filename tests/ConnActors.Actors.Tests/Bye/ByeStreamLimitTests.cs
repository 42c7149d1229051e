using System.Collections.Concurrent;
using ConnActors.Actors.Bye;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Tests.Support;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Actors.Tests.Bye;

/// <summary>
/// Bye streams that never send, on real sockets: a connection gets at most <see cref="ByeExchange.MaxInboundStreamsPerConnection"/>
/// of them served at once, one more is reset, a held one is reset after <see cref="ByeExchange.ReceiveTimeout"/>, and then a
/// real bye on the same connection is received.
/// </summary>
public class ByeStreamLimitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Bye_streams_that_never_send_are_bounded_per_connection_and_time_out()
    {
        var received = new ConcurrentQueue<ByeMessage>();
        var malformed = new ConcurrentQueue<string>();
        await using var node = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate(), ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")] });
        ByeExchange.Register(node, (_, bye) => received.Enqueue(bye), (_, reason) => malformed.Enqueue(reason));
        await using var peer = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var connection = await peer.DialAsync(node.ListenAddresses[0].WithPeerId(node.PeerId)).WaitAsync(Wait);

        var held = new List<YamuxStream>();
        for (int i = 0; i < ByeExchange.MaxInboundStreamsPerConnection; i++)
            held.Add(await peer.NewStreamAsync(connection, [ByeCodec.ProtocolId]).WaitAsync(Wait));
        // The held handlers start asynchronously: a stream past them is reset once both have started.
        await AssertEventuallyResetAsync(peer, connection);

        foreach (var stream in held) await StreamReset.AssertAsync(stream, ByeExchange.ReceiveTimeout + Wait);
        Assert.Equal(["no bye within 10 s", "no bye within 10 s"], malformed.ToArray());

        // A malformed bye resets its stream with its reason passed on; the connection stays.
        var garbage = await peer.NewStreamAsync(connection, [ByeCodec.ProtocolId]).WaitAsync(Wait);
        await garbage.WriteAsync(new byte[] { 3, 0xFF, 0xFF, 0xFF }).AsTask().WaitAsync(Wait);
        await StreamReset.AssertAsync(garbage, Wait);
        Assert.Contains(malformed, r => r.Contains("not valid protobuf", StringComparison.Ordinal));

        var bye = new ByeMessage(ByeReason.Trimmed, TimeSpan.FromSeconds(30), []);
        await ByeExchange.SendAsync(peer, connection, bye, Wait);
        Assert.Equal(bye.Reason, Assert.Single(received).Reason);
        Assert.Single(node.Connections);
    }

    private static async Task AssertEventuallyResetAsync(Libp2pHost peer, Libp2pConnection connection)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            // A served stream stays open (its handler waits for the bye); a refused one is reset at once (the reset may reach
            // the peer during its negotiation).
            YamuxStream? extra = null;
            using var quick = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                extra = await peer.NewStreamAsync(connection, [ByeCodec.ProtocolId]).WaitAsync(Wait);
                _ = await extra.ReadAsync(new byte[1], quick.Token);
            }
            catch (IOException)
            {
                return;
            }
            catch (OperationCanceledException)
            {
            }
            extra?.Reset();
            Assert.True(DateTime.UtcNow < deadline, "a third bye stream was still served");
        }
    }
}
