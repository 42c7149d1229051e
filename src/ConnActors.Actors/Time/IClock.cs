namespace ConnActors.Actors.Time;

/// <summary>
/// Milliseconds for the policy: monotonic while the process runs, anchored to the Unix epoch at start so
/// that persisted deadlines (bye obligations, penalties) keep their meaning across restarts.
/// </summary>
public interface IClock
{
    /// <summary>Now, in milliseconds since the Unix epoch (monotonic within a process).</summary>
    long NowMs { get; }
}

/// <summary>The system clock: wall time read once at start, then advanced by a monotonic stopwatch.</summary>
public sealed class SystemClock : IClock
{
    /// <summary>The process-wide clock.</summary>
    public static SystemClock Instance { get; } = new();

    private readonly long _startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly long _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public long NowMs => _startUnixMs + (long)System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp).TotalMilliseconds;
}
