using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Noise;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Noise;

public class NoiseHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Both_sides_learn_each_other_and_exchange_encrypted_data_over_tcp()
    {
        await using var pair = await TcpPair.ConnectAsync();
        var (a, b) = (PrivateKey.Generate(), PrivateKey.Generate());
        var dial = NoiseHandshake.RunAsync(pair.Dialer.Stream, true, a, b.PeerId, CancellationToken.None);
        var listen = NoiseHandshake.RunAsync(pair.Listener.Stream, false, b, null, CancellationToken.None);
        var (da, lb) = (await dial.WaitAsync(Timeout), await listen.WaitAsync(Timeout));
        Assert.Equal(b.PeerId, da.RemotePeer);
        Assert.Equal(a.PeerId, lb.RemotePeer);

        var big = new byte[200_000];
        Random.Shared.NextBytes(big);
        var write = da.WriteAsync(big).AsTask();
        var received = new byte[big.Length];
        await lb.ReadExactlyAsync(received).AsTask().WaitAsync(Timeout);
        await write.Within("noise write of 200 kB");
        Assert.Equal(big, received);
        await lb.WriteAsync("pong"u8.ToArray());
        var pong = new byte[4];
        await da.ReadExactlyAsync(pong).AsTask().WaitAsync(Timeout);
        Assert.Equal("pong"u8.ToArray(), pong);
    }

    [Fact]
    public async Task Dialer_rejects_a_listener_that_is_not_the_expected_peer()
    {
        await using var pair = await TcpPair.ConnectAsync();
        var expected = PrivateKey.Generate().PeerId;
        var dial = NoiseHandshake.RunAsync(pair.Dialer.Stream, true, PrivateKey.Generate(), expected, CancellationToken.None);
        _ = NoiseHandshake.RunAsync(pair.Listener.Stream, false, PrivateKey.Generate(), null, CancellationToken.None);
        var e = await Assert.ThrowsAsync<NoiseException>(() => dial.WaitAsync(Timeout));
        Assert.Contains("was expected", e.Message);
    }
}
