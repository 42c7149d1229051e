namespace ConnActors.Policy.Politeness;

/// <summary>
/// When to try reconnecting one friend. After a disconnect or a failed attempt the next attempt is
/// <c>now + delay(n)</c>, where <c>n</c> counts the failures since the last successful connection and
/// <c>delay</c> is the jittered curve of <see cref="BackoffSettings"/>, so it is never later than
/// <c>now + cap</c>. It never gives up: the counter saturates instead of overflowing, and the delay stays
/// at its cap. A successful connection resets it. The caller must still respect a bye obligation:
/// dial at <c>max(NextAttemptMs, DialBackoffTable.EarliestDialMs(peer))</c>.
/// </summary>
public sealed class FriendReconnectSchedule
{
    private readonly ExponentialBackoff _curve;
    private readonly DeterministicRandom _random;
    private long _nextAttemptMs;

    /// <summary>Creates the schedule of a friend not yet connected: the first attempt is due at once.</summary>
    public FriendReconnectSchedule(BackoffSettings settings, DeterministicRandom random)
    {
        _curve = new ExponentialBackoff(settings.Validate("friend-reconnect"));
        _random = random;
        _nextAttemptMs = long.MinValue;
    }

    /// <summary>Failures (attempts that did not connect, and disconnects) since the last successful connection; saturates.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>True between <see cref="RecordConnected"/> and the next <see cref="RecordDisconnected"/>.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>The friend is connected: forget the failures, schedule nothing.</summary>
    public void RecordConnected()
    {
        IsConnected = true;
        ConsecutiveFailures = 0;
        _nextAttemptMs = long.MaxValue;
    }

    /// <summary>The friend's connection was lost; returns when to try again.</summary>
    public long RecordDisconnected(long nowMs)
    {
        IsConnected = false;
        return Schedule(nowMs);
    }

    /// <summary>A reconnect attempt failed; returns when to try again.</summary>
    public long RecordFailure(long nowMs)
    {
        IsConnected = false;
        return Schedule(nowMs);
    }

    /// <summary>
    /// When the next attempt is due: <see cref="long.MaxValue"/> while connected, otherwise the scheduled
    /// time, or <paramref name="nowMs"/> if that has passed.
    /// </summary>
    public long NextAttemptMs(long nowMs) => IsConnected ? long.MaxValue : Math.Max(nowMs, _nextAttemptMs);

    /// <summary>For tests: start from a given failure count (to reach saturation without 2^31 calls).</summary>
    internal void SetConsecutiveFailures(int failures) => ConsecutiveFailures = failures;

    private long Schedule(long nowMs)
    {
        _nextAttemptMs = nowMs + _curve.DelayMs(ConsecutiveFailures, _random);
        if (ConsecutiveFailures < int.MaxValue) ConsecutiveFailures++;
        return _nextAttemptMs;
    }
}
