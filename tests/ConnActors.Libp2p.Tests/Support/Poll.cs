using System.Runtime.CompilerServices;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>Waits for a condition with a generous timeout (only to avoid hangs; nothing is timed).</summary>
public static class Poll
{
    public static Task UntilAsync(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "") =>
        UntilAsync(() => Task.FromResult(condition()), what);

    public static async Task UntilAsync(Func<Task<bool>> condition, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var deadline = DateTime.UtcNow + Bounded.Limit;
        while (!await condition().Within("poll: " + what))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"poll: {what}: not met within {Bounded.Limit.TotalSeconds} s");
            await Task.Delay(20);
        }
    }
}
