namespace ConnActors.Policy.Politeness;

/// <summary>Settings of the <see cref="DialBackoffTable"/>.</summary>
public sealed record DialBackoffSettings
{
    /// <summary>Defaults.</summary>
    public static DialBackoffSettings Default { get; } = new();

    /// <summary>Curve applied after consecutive dial failures, per peer and per address (<c>dial.backoff.*</c>).</summary>
    public BackoffSettings Backoff { get; init; } = BackoffSettings.DialDefault;

    /// <summary>
    /// Failure history is forgotten when this long has passed after a backoff window ended without a
    /// new failure, so the next failure starts again from the initial delay
    /// (<c>dial.forget-after</c>). Default 5 min.
    /// </summary>
    public long ForgetAfterMs { get; init; } = 5 * 60_000;

    /// <summary>
    /// The longest backoff hint from a remote bye that is honoured (<c>bye.honour-ceiling</c>).
    /// Longer hints are shortened to this. Default 1 h.
    /// </summary>
    /// <remarks>
    /// A bye asks us not to dial that peer for a while, and we comply. But the hint is an unchecked
    /// number from the network: without a ceiling, a buggy or confused remote (or a friend that was
    /// overloaded once) could keep us from ever reconnecting, and the obligation would sit in the peer
    /// store indefinitely. An hour is far above any sane drain period (gossipsub's PRUNE backoff is
    /// 1 min) and the remote can always send another bye.
    /// </remarks>
    public long RemoteByeCeilingMs { get; init; } = 60 * 60_000;

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public DialBackoffSettings Validate()
    {
        Backoff.Validate("dial.backoff");
        if (ForgetAfterMs < 0)
            throw new PolicyConfigurationException("dial.forget-after", $"must be >= 0, was {ForgetAfterMs} ms");
        if (RemoteByeCeilingMs < 0)
            throw new PolicyConfigurationException("bye.honour-ceiling", $"must be >= 0, was {RemoteByeCeilingMs} ms");
        return this;
    }
}
