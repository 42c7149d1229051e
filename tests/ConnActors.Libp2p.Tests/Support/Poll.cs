namespace ConnActors.Libp2p.Tests.Support;

/// <summary>Waits for a condition with a generous timeout (only to avoid hangs; nothing is timed).</summary>
public static class Poll
{
    public static Task UntilAsync(Func<bool> condition) => UntilAsync(() => Task.FromResult(condition()));

    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Hosts.Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(20);
        }
    }
}
