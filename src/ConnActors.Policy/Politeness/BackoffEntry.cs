namespace ConnActors.Policy.Politeness;

/// <summary>What the backoff table remembers about one peer or one (peer, address).</summary>
internal struct BackoffEntry
{
    /// <summary>Consecutive failures, saturating at <see cref="int.MaxValue"/>.</summary>
    public int Failures;

    /// <summary>End of the failure backoff window.</summary>
    public long FailureNotBeforeMs;

    /// <summary>End of a remote bye obligation (peer entries only).</summary>
    public long ByeNotBeforeMs;

    public readonly long NotBeforeMs => Math.Max(FailureNotBeforeMs, ByeNotBeforeMs);

    /// <summary>True when nothing in the entry still matters at <paramref name="nowMs"/>.</summary>
    public readonly bool IsForgettable(long nowMs, long forgetAfterMs) =>
        nowMs >= ByeNotBeforeMs && (Failures == 0 || nowMs - FailureNotBeforeMs >= forgetAfterMs);
}
