namespace ConnActors.Actors.Tests.Support;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (then fails with <paramref name="what"/>).</summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        HoldsAsync(condition, timeout, () => Task.FromResult(what));

    /// <summary>
    /// As above, but the failure message is built when the wait fails, so it describes the state at the
    /// deadline rather than at the start.
    /// </summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out after {timeout}: {await describe()}");
    }
}
