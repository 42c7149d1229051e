using ConnActors.Libp2p.Multistream;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Multistream;

public class MultistreamSelectTests
{
    private static readonly TimeSpan Timeout = Hosts.Timeout;

    [Fact]
    public async Task Dialer_falls_back_after_na_to_a_protocol_the_listener_supports()
    {
        await using var pair = await TcpPair.ConnectAsync();
        var listen = MultistreamSelect.ListenAsync(pair.Listener.Stream, p => p == "/b/1", CancellationToken.None);
        var chosen = await MultistreamSelect.SelectAsync(pair.Dialer.Stream, ["/a/1", "/b/1"], CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("/b/1", chosen);
        Assert.Equal("/b/1", await listen.WaitAsync(Timeout));

        // Nothing past the agreement was consumed: application bytes follow intact.
        await pair.Dialer.Stream.WriteAsync("app"u8.ToArray());
        var app = new byte[3];
        await pair.Listener.Stream.ReadExactlyAsync(app).AsTask().WaitAsync(Timeout);
        Assert.Equal("app"u8.ToArray(), app);
    }

    [Fact]
    public async Task Dialer_fails_clearly_when_nothing_is_supported()
    {
        await using var pair = await TcpPair.ConnectAsync();
        _ = MultistreamSelect.ListenAsync(pair.Listener.Stream, _ => false, CancellationToken.None);
        var e = await Assert.ThrowsAsync<MultistreamException>(() =>
            MultistreamSelect.SelectAsync(pair.Dialer.Stream, ["/a/1", "/b/1"], CancellationToken.None).WaitAsync(Timeout));
        Assert.Contains("supports none of: /a/1, /b/1", e.Message);
    }

    [Fact]
    public async Task Listener_gives_up_on_a_dialer_that_proposes_forever()
    {
        await using var pair = await TcpPair.ConnectAsync();
        var listen = MultistreamSelect.ListenAsync(pair.Listener.Stream, _ => false, CancellationToken.None);
        var proposals = Enumerable.Range(0, MultistreamSelect.MaxProposals + 1).Select(i => $"/p/{i}").Prepend(MultistreamSelect.ProtocolId).ToArray();
        await pair.Dialer.Stream.WriteAsync(MultistreamSelect.Frame(proposals));
        var e = await Assert.ThrowsAsync<MultistreamException>(() => listen.WaitAsync(Timeout));
        Assert.Contains($"more than {MultistreamSelect.MaxProposals} protocols", e.Message);
    }

    [Fact]
    public async Task Wrong_header_is_rejected()
    {
        await using var pair = await TcpPair.ConnectAsync();
        var listen = MultistreamSelect.ListenAsync(pair.Listener.Stream, _ => true, CancellationToken.None);
        await pair.Dialer.Stream.WriteAsync(MultistreamSelect.Frame("/multistream/2.0.0"));
        var e = await Assert.ThrowsAsync<MultistreamException>(() => listen.WaitAsync(Timeout));
        Assert.Contains("expected '/multistream/1.0.0'", e.Message);
    }
}
