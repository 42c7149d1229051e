using ConnActors.Libp2p.Protocols;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.BadInput;

/// <summary>
/// A connection gets at most <see cref="PingProtocol.MaxInboundStreamsPerConnection"/> ping streams served at once: an
/// echo the peer does not read stops the handler with the stream's receive window full, and 4 connections of 256 such
/// streams took a node from 153 to 477 MiB (probe, 1 Dec 2026).
/// </summary>
public class PingStreamLimitTests
{
    [Fact]
    public async Task Ping_streams_past_the_limit_are_reset_and_the_slots_come_back_when_the_held_ones_end()
    {
        var observer = new RecordingObserver();
        await using var node = await Hosts.StartAsync(observer);
        await using var peer = await Hosts.StartAsync();
        var connection = await peer.DialAsync(Hosts.AddressOf(node)).WaitAsync(Hosts.Timeout);
        var held = new List<ConnActors.Libp2p.Yamux.YamuxStream>();
        for (int i = 0; i < PingProtocol.MaxInboundStreamsPerConnection; i++)
        {
            var stream = await peer.NewStreamAsync(connection, [ProtocolIds.Ping]).WaitAsync(Hosts.Timeout);
            await PingProtocol.PingOnceAsync(stream, CancellationToken.None).WaitAsync(Hosts.Timeout); // answered: its handler holds a slot
            held.Add(stream);
        }

        // Reset once agreed: the reset may reach the peer during its negotiation or at its first echo.
        await Assert.ThrowsAnyAsync<IOException>(() => peer.PingAsync(connection).WaitAsync(Hosts.Timeout));
        await observer.WaitForAsync($"stream refused {ProtocolIds.Ping}: more than {PingProtocol.MaxInboundStreamsPerConnection} inbound");

        foreach (var stream in held) stream.Reset();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return await peer.PingAsync(connection).WaitAsync(Hosts.Timeout) > TimeSpan.Zero;
            }
            catch (Exception e) when (e is IOException or ConnActors.Libp2p.Multistream.MultistreamException)
            {
                return false; // the held handlers have not returned yet
            }
        }, "a ping once the held streams ended");
        Assert.Single(node.Connections);
    }
}
