namespace ConnActors.Libp2p.Tests.Support;

/// <summary>
/// Every await of a test that depends on a peer's behaviour is bounded: past the limit it fails with
/// what was awaited instead of hanging the test run.
/// </summary>
public static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static async Task Within(this Task task, string what, TimeSpan? limit = null)
    {
        try
        {
            await task.WaitAsync(limit ?? Limit).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{what}: not done within {(limit ?? Limit).TotalSeconds:0.#} s", e);
        }
    }

    public static async Task<T> Within<T>(this Task<T> task, string what, TimeSpan? limit = null)
    {
        try
        {
            return await task.WaitAsync(limit ?? Limit).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{what}: not done within {(limit ?? Limit).TotalSeconds:0.#} s", e);
        }
    }

    public static Task Within(this ValueTask task, string what, TimeSpan? limit = null) => task.AsTask().Within(what, limit);

    public static Task<T> Within<T>(this ValueTask<T> task, string what, TimeSpan? limit = null) => task.AsTask().Within(what, limit);
}
