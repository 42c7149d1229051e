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

    /// <summary>End of the hold after this node trimmed the peer itself (peer entries only; not part of <see cref="NotBeforeMs"/>: friends and reservations pass it).</summary>
    public long OwnTrimNotBeforeMs;

    public readonly long NotBeforeMs => Math.Max(FailureNotBeforeMs, ByeNotBeforeMs);

    /// <summary>True when nothing in the entry still matters at <paramref name="nowMs"/>.</summary>
    public readonly bool IsForgettable(long nowMs, long forgetAfterMs) =>
        nowMs >= ByeNotBeforeMs && nowMs >= OwnTrimNotBeforeMs && (Failures == 0 || nowMs - FailureNotBeforeMs >= forgetAfterMs);
}
