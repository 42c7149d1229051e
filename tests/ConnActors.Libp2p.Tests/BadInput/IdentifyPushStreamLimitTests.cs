using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Protocols;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.BadInput;

/// <summary>
/// Identify-push streams that never send: a connection gets at most <see cref="Libp2pHost.MaxIdentifyStreamsPerConnection"/>
/// of them served at once, one more is reset, and a held one is reset after <see cref="Libp2pHost.IdentifyPushTimeout"/>, which
/// gives its place back.
/// </summary>
public class IdentifyPushStreamLimitTests
{
    private const string Refused = $"stream refused {ProtocolIds.IdentifyPush}: more than";

    [Fact]
    public async Task Push_streams_that_never_send_are_bounded_per_connection_and_time_out()
    {
        var observer = new RecordingObserver();
        await using var node = await Hosts.StartAsync(observer);
        await using var peer = await Hosts.StartAsync();
        var connection = await peer.DialAsync(Hosts.AddressOf(node)).WaitAsync(Hosts.Timeout);
        var held = new List<ConnActors.Libp2p.Yamux.YamuxStream>();
        for (int i = 0; i < Libp2pHost.MaxIdentifyStreamsPerConnection; i++)
            held.Add(await peer.NewStreamAsync(connection, [ProtocolIds.IdentifyPush]).WaitAsync(Hosts.Timeout));
        await Poll.UntilAsync(() => Task.FromResult(observer.Events.Count(e => e == $"stream opened {ProtocolIds.IdentifyPush}") == held.Count),
            "the held push streams served");

        // Reset once agreed: the reset may reach the peer during its negotiation or at its first read.
        var e = await Record.ExceptionAsync(async () =>
            await StreamReset.AssertAsync(await peer.NewStreamAsync(connection, [ProtocolIds.IdentifyPush]).WaitAsync(Hosts.Timeout), Hosts.Timeout));
        Assert.True(e is null or IOException, $"the extra push stream: {e}");
        await observer.WaitForAsync(Refused);

        // The node resets the held ones once the push timeout is over (they never sent), and serves a new one.
        foreach (var stream in held) await StreamReset.AssertAsync(stream, Libp2pHost.IdentifyPushTimeout + Hosts.Timeout);
        var again = await peer.NewStreamAsync(connection, [ProtocolIds.IdentifyPush]).WaitAsync(Hosts.Timeout);
        await Poll.UntilAsync(() => observer.Events.Count(e => e == $"stream opened {ProtocolIds.IdentifyPush}") == held.Count + 1,
            "a push stream served once the held ones timed out");
        Assert.Single(observer.Events, e => e.StartsWith(Refused, StringComparison.Ordinal));
        again.Reset();
        Assert.Single(node.Connections);
    }
}
