using ConnActors.Libp2p.Tests.Support;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.Yamux;

public class YamuxSessionTests
{
    private static readonly TimeSpan Timeout = Hosts.Timeout;

    [Fact]
    public async Task Half_close_delivers_end_of_stream_while_the_other_direction_stays_open()
    {
        await using var pair = await YamuxPair.StartAsync();
        var (local, remote) = await pair.OpenAsync();
        await local.WriteAsync("question"u8.ToArray());
        await local.CloseWriteAsync();
        Assert.Equal("question"u8.ToArray(), await Hosts.ReadAllAsync(remote).WaitAsync(Timeout));
        await remote.WriteAsync("answer"u8.ToArray());
        await remote.CloseWriteAsync();
        Assert.Equal("answer"u8.ToArray(), await Hosts.ReadAllAsync(local).WaitAsync(Timeout));
        await Poll.UntilAsync(() => pair.Client.StreamCount == 0 && pair.Server.StreamCount == 0);
        await Assert.ThrowsAsync<YamuxException>(async () => await local.WriteAsync(new byte[1]));
    }

    [Fact]
    public async Task Reset_fails_both_ends_and_frees_the_stream()
    {
        await using var pair = await YamuxPair.StartAsync();
        var (local, remote) = await pair.OpenAsync();
        var pendingRead = remote.ReadAsync(new byte[10]).AsTask();
        local.Reset();
        var e = await Assert.ThrowsAsync<YamuxException>(() => pendingRead.WaitAsync(Timeout));
        Assert.Equal("stream reset by remote", e.Message);
        await Assert.ThrowsAsync<YamuxException>(async () => await local.WriteAsync(new byte[1]));
        await Poll.UntilAsync(() => pair.Client.StreamCount == 0 && pair.Server.StreamCount == 0);
    }

    [Fact]
    public async Task After_close_read_nothing_is_buffered_and_the_writer_stalls_at_the_window()
    {
        await using var pair = await YamuxPair.StartAsync();
        var (local, remote) = await pair.OpenAsync();
        await local.WriteAsync(Hosts.RandomBytes(1000));
        await Poll.UntilAsync(() => remote.BufferedBytes == 1000);
        remote.CloseRead();
        Assert.Equal(0, remote.BufferedBytes);
        Assert.Equal(0, await remote.ReadAsync(new byte[10]).Within("read after CloseRead"));

        var window = new YamuxOptions().InitialWindow;
        var flood = local.WriteAsync(Hosts.RandomBytes(window * 2)).AsTask();
        await Poll.UntilAsync(() => remote.BytesRead == window);
        Assert.Equal(0, remote.BufferedBytes);
        Assert.False(flood.IsCompleted);
        local.Reset();
    }

    [Fact]
    public async Task A_writer_is_held_at_the_window_until_the_reader_consumes()
    {
        await using var pair = await YamuxPair.StartAsync();
        var (local, remote) = await pair.OpenAsync();
        var window = new YamuxOptions().InitialWindow;
        var payload = Hosts.RandomBytes(window * 4);
        var write = local.WriteAsync(payload).AsTask();

        await Poll.UntilAsync(() => remote.BytesRead == window);
        Assert.False(write.IsCompleted);
        Assert.Equal(window, remote.BytesRead);

        var received = new byte[payload.Length];
        await remote.ReadExactlyAsync(received).AsTask().WaitAsync(Timeout);
        await write.WaitAsync(Timeout);
        Assert.Equal(payload, received);
    }

    [Theory]
    [InlineData(1024 * 1024, 256 * 1024)]
    [InlineData(256 * 1024, 1024 * 1024)]
    public async Task A_larger_window_is_granted_on_open_and_on_accept_and_never_assumed(int clientWindow, int serverWindow)
    {
        await using var pair = await YamuxPair.StartAsync(new YamuxOptions { InitialWindow = clientWindow }, new YamuxOptions { InitialWindow = serverWindow });
        var (local, remote) = await pair.OpenAsync();
        var payload = Hosts.RandomBytes(2 * 1024 * 1024);
        var toServer = local.WriteAsync(payload).AsTask();
        var toClient = remote.WriteAsync(payload).AsTask();

        // Each writer stops exactly at the window its reader granted.
        await Poll.UntilAsync(() => remote.BytesRead == serverWindow && local.BytesRead == clientWindow);
        Assert.False(toServer.IsCompleted);
        Assert.False(toClient.IsCompleted);

        var atServer = new byte[payload.Length];
        var atClient = new byte[payload.Length];
        await Task.WhenAll(remote.ReadExactlyAsync(atServer).AsTask(), local.ReadExactlyAsync(atClient).AsTask(), toServer, toClient).WaitAsync(Timeout);
        Assert.Equal(payload, atServer);
        Assert.Equal(payload, atClient);
    }

    [Fact]
    public async Task Ping_round_trips_and_goaway_ends_the_remote_session_with_its_reason()
    {
        await using var pair = await YamuxPair.StartAsync();
        Assert.True(await pair.Client.PingAsync(CancellationToken.None).WaitAsync(Timeout) > TimeSpan.Zero);
        Assert.True(await pair.Server.PingAsync(CancellationToken.None).WaitAsync(Timeout) > TimeSpan.Zero);
        var (_, remote) = await pair.OpenAsync();

        await pair.Client.CloseAsync("done here").Within("close the session");
        Assert.Equal("done here", await pair.Client.Completion.WaitAsync(Timeout));
        Assert.Equal("remote sent GoAway (Normal)", await pair.Server.Completion.WaitAsync(Timeout));
        await Assert.ThrowsAsync<YamuxException>(() => remote.ReadExactlyAsync(new byte[1]).Within("read on a closed session"));
        await Assert.ThrowsAsync<YamuxException>(() => pair.Client.OpenStreamAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Streams_past_the_inbound_maximum_are_reset_and_the_rest_keep_working()
    {
        await using var pair = await YamuxPair.StartAsync(new YamuxOptions { MaxInboundStreams = 3 });
        var accepted = new List<(YamuxStream Local, YamuxStream Remote)>();
        for (var i = 0; i < 3; i++) accepted.Add(await pair.OpenAsync());
        var refused = await pair.Client.OpenStreamAsync(CancellationToken.None);
        var e = await Assert.ThrowsAsync<YamuxException>(async () => await refused.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        Assert.Equal("stream reset by remote", e.Message);

        await accepted[0].Local.WriteAsync("still fine"u8.ToArray());
        await accepted[0].Local.CloseWriteAsync();
        Assert.Equal("still fine"u8.ToArray(), await Hosts.ReadAllAsync(accepted[0].Remote).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Outbound_streams_are_capped()
    {
        await using var pair = await YamuxPair.StartAsync(new YamuxOptions { MaxOutboundStreams = 2 });
        await pair.Client.OpenStreamAsync(CancellationToken.None);
        var second = await pair.Client.OpenStreamAsync(CancellationToken.None);
        await Assert.ThrowsAsync<YamuxException>(() => pair.Client.OpenStreamAsync(CancellationToken.None));
        second.Reset();
        await pair.Client.OpenStreamAsync(CancellationToken.None);
    }
}
