using ConnActors.Libp2p.Host;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>What every bad-input test checks last: the misbehaving peer harmed nobody else.</summary>
public static class StillServing
{
    /// <summary>A well-behaved peer still connects, pings and echoes; nothing is left pending or open.</summary>
    public static async Task AssertAsync(Libp2pHost host)
    {
        await using var good = await Hosts.StartAsync();
        var conn = await good.DialAsync(Hosts.AddressOf(host)).Within("a good peer dials the host");
        Assert.True(await good.PingAsync(conn).Within("a good peer pings the host") > TimeSpan.Zero);
        Assert.Equal("ok"u8.ToArray(), await Hosts.EchoAsync(good, conn, "ok"u8.ToArray()));
        Assert.Equal(0, host.PendingInboundHandshakes);
        Assert.Equal([good.PeerId], host.Connections.Select(c => c.RemotePeer));
    }

    public static void AssertReason(string expected, string actualEvent) =>
        Assert.True(actualEvent.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in: {actualEvent}");
}
