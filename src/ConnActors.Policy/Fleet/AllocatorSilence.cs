namespace ConnActors.Policy.Fleet;

/// <summary>
/// When a member stops waiting on a silent allocator (docs/cluster.md, "A silent allocator is suspected").
/// <paramref name="SuspectAfterMs"/>: how long the allocator a member asks may leave its requests unanswered;
/// <paramref name="HoldMs"/>: how long a suspicion lasts unless the failure detector sees the allocator reachable again first;
/// <paramref name="RenewIntervalMs"/>: how often the member asks (so how many requests a silence spans).
/// </summary>
public sealed record AllocatorSilenceTimings(long SuspectAfterMs, long HoldMs, long RenewIntervalMs)
{
    /// <summary>The defaults of reference.conf: suspect after 2 s of silence, hold 30 s, asked every 1 s.</summary>
    public static AllocatorSilenceTimings Default { get; } = new(2_000, 30_000, 1_000);

    /// <summary>
    /// Why these timings cannot work with a lease of <paramref name="leaseLengthMs"/>, as the setting at fault and the
    /// reason (null when they can). <paramref name="name"/> renders a setting's name for the reason.
    /// </summary>
    public static (string Setting, string Reason)? Invalid(long suspectAfterMs, long holdMs, long renewIntervalMs, long leaseLengthMs, Func<string, string> name)
    {
        if (suspectAfterMs <= renewIntervalMs)
            return ("suspect-silence", $"must be more than {name("renew-interval")} ({renewIntervalMs} ms), or one late answer suspects a live allocator; was {suspectAfterMs} ms");
        if (suspectAfterMs >= leaseLengthMs - renewIntervalMs)
            return ("suspect-silence", $"must be less than {name("length")} less {name("renew-interval")} ({leaseLengthMs - renewIntervalMs} ms), or the leases lapse before the member asks another allocator; was {suspectAfterMs} ms");
        if (holdMs < leaseLengthMs)
            return ("suspect-hold", $"must be at least {name("length")} ({leaseLengthMs} ms), or members switch back to a slow allocator faster than a lease lasts; was {holdMs} ms");
        return null;
    }
}

/// <summary>
/// The decisions behind a member's suspicion of a silent allocator, as pure functions of what the member saw and the
/// time (its own clock, passed in). Suspicion only changes whom a member asks: the budget rests on the lease rules
/// (<see cref="LeaseBook"/>), which hold whatever any member elects.
/// </summary>
public static class AllocatorSilence
{
    /// <summary>
    /// Whether the allocator a member asks is silent enough to suspect at <paramref name="nowMs"/>: it has answered this
    /// member before (one that never answered, a new allocator or one still without the member's load, is left to the
    /// failure detector), and the member has sent it at least <see cref="RequestsUnanswered"/> requests since its last
    /// answer, the first of them at least <see cref="AllocatorSilenceTimings.SuspectAfterMs"/> ago. Counting requests
    /// as well as time keeps a member whose own process stalled (its timers and the answers late together) from
    /// suspecting on its first tick after the stall.
    /// </summary>
    public static bool Suspects(bool answeredBefore, long firstUnansweredMs, int unanswered, long nowMs, AllocatorSilenceTimings t) =>
        answeredBefore && unanswered >= RequestsUnanswered(t) && nowMs - firstUnansweredMs >= t.SuspectAfterMs;

    /// <summary>
    /// Whether a member's suspicions lead nowhere at <paramref name="nowMs"/>: the allocator it asks instead has not
    /// answered it since it began asking, for one renew interval (and one request) more than <see cref="Suspects"/>
    /// asks. They end then, and the member asks the older one again: a member that alone lost its allocator's answers
    /// (the others, the next oldest among them, still hear from it) would otherwise ask one that does not allocate until
    /// the hold ran out, and go without renewals long after the old one is heard again. The extra interval is the next
    /// oldest's own: it answers only once its own Negotiator suspects the silent allocator too, up to a renew interval
    /// after this member does, later when its timers run late. Given only the silence, a member at load 27 gave up on
    /// the next oldest just after it had begun to allocate (1.6 s after this member's suspicion) but before asking it
    /// again, went back to the dead allocator and suspected it again 2 s later; the next oldest, without a quorum
    /// meanwhile, let its own lease lapse (docs/cluster.md, "A silent allocator is suspected").
    /// </summary>
    public static bool LeadsNowhere(bool answeredSinceAsked, long firstUnansweredMs, int unanswered, long nowMs, AllocatorSilenceTimings t) =>
        !answeredSinceAsked && unanswered > RequestsUnanswered(t) && nowMs - firstUnansweredMs >= t.SuspectAfterMs + t.RenewIntervalMs;

    /// <summary>How many requests in a row must go unanswered: as many as the silence spans, at least two.</summary>
    public static int RequestsUnanswered(AllocatorSilenceTimings t) => (int)Math.Max(2, t.SuspectAfterMs / Math.Max(1, t.RenewIntervalMs));

    /// <summary>
    /// Whether a suspicion begun at <paramref name="suspectedAtMs"/> has run out at <paramref name="nowMs"/>. A late answer
    /// of the suspected allocator does not end it: an allocator that is alive but slow would otherwise be asked again
    /// and suspected again every few seconds, each switch a hand-over. The failure detector seeing it reachable again
    /// ends it at once (the caller's part).
    /// </summary>
    public static bool HoldRunOut(long suspectedAtMs, long nowMs, AllocatorSilenceTimings t) => nowMs - suspectedAtMs >= t.HoldMs;
}
