namespace ConnActors.Libp2p.Tests.Support;

/// <summary>Checks that the remote reset a stream (not a clean end), within a bound.</summary>
public static class StreamReset
{
    /// <summary>Reads <paramref name="stream"/> until it fails; fails itself on a clean end, another error, or none within <paramref name="limit"/>.</summary>
    public static async Task AssertAsync(Stream stream, TimeSpan limit)
    {
        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(limit);
        var e = await Record.ExceptionAsync(async () => { while (await stream.ReadAsync(buffer, timeout.Token) > 0) { } });
        Assert.True(e is IOException, $"the stream should be reset, got {e?.GetType().Name ?? "a clean end"}");
    }
}
