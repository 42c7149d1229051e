namespace ConnActors.Policy.Fleet;

/// <summary>
/// A member's record of the allocators it asks (docs/cluster.md, "A silent allocator is suspected"): the last stamp
/// heard from each (what its lease requests echo and report), whether each has answered it, the requests the one it
/// asks has left unanswered, and whom it suspects since when. Times are the member's clock, passed in; the decisions
/// are <see cref="AllocatorSilence"/>'s. A member never suspects its own allocator (<paramref name="self"/>): nothing
/// between them is lost in a network, and the member is always reachable to itself.
/// </summary>
public sealed class AllocatorWatch(string self, AllocatorSilenceTimings timings)
{
    private readonly Dictionary<string, (long StampMs, long AtMs)> _heard = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _suspectedAt = new(StringComparer.Ordinal);
    private string? _asked;
    private long _firstUnansweredMs;
    private int _unanswered;
    private bool _answeredSinceAsked;

    /// <summary>The allocators suspected now (left out of this member's election).</summary>
    public IReadOnlyCollection<string> Suspected => _suspectedAt.Keys;

    /// <summary>Whether <paramref name="allocator"/> is suspected.</summary>
    public bool IsSuspected(string allocator) => _suspectedAt.ContainsKey(allocator);

    /// <summary>The member sent a lease request to <paramref name="allocator"/> at <paramref name="nowMs"/>.</summary>
    public void Asked(string allocator, long nowMs)
    {
        if (allocator != _asked) (_asked, _unanswered, _answeredSinceAsked) = (allocator, 0, false);
        if (_unanswered++ == 0) _firstUnansweredMs = nowMs;
    }

    /// <summary>
    /// <paramref name="allocator"/> answered (a renewal or a probe) with its stamp <paramref name="stampMs"/>: a contact,
    /// which the member reports to the others, unless it suspects that allocator. A suspected allocator's late answers are
    /// not contacts: the member asks it nothing, so echoes none of their stamps, and an allocator acts only on a quorum's
    /// echoes; every stamp the member echoed was recorded when it came and stays reported. Counting them only pushed the
    /// next allocator's hand-over back (a stalled allocator's backlog restarted its successor's epoch).
    /// </summary>
    public void Answered(string allocator, long stampMs, long nowMs)
    {
        if (_suspectedAt.ContainsKey(allocator)) return;
        _heard[allocator] = (stampMs, nowMs);
        if (allocator != _asked) return;
        _unanswered = 0;
        _answeredSinceAsked = true;
    }

    /// <summary>The stamp of <paramref name="allocator"/>'s last answer (-1: none), which a request to it echoes.</summary>
    public long EchoOf(string allocator) => _heard.TryGetValue(allocator, out var heard) ? heard.StampMs : -1;

    /// <summary>The latest answer of any allocator other than <paramref name="asked"/>, suspected ones included.</summary>
    public (long StampMs, long AtMs)? LastOther(string asked) =>
        _heard.Where(h => h.Key != asked).OrderByDescending(h => h.Value.AtMs).Select(h => ((long, long)?)h.Value).FirstOrDefault();

    /// <summary>
    /// Brings the suspicions up to <paramref name="nowMs"/>: suspicions whose hold ran out end, all of them end if they
    /// lead nowhere (<see cref="AllocatorSilence.LeadsNowhere"/>), and the allocator asked becomes suspected if it is
    /// silent (<see cref="AllocatorSilence.Suspects"/>). True when the set changed.
    /// </summary>
    public bool Review(long nowMs)
    {
        bool changed = false;
        foreach (var (allocator, since) in _suspectedAt.ToList())
        {
            if (!AllocatorSilence.HoldRunOut(since, nowMs, timings)) continue;
            _suspectedAt.Remove(allocator);
            changed = true;
        }
        if (_suspectedAt.Count > 0 && _asked is { } instead && instead != self
            && AllocatorSilence.LeadsNowhere(_answeredSinceAsked, _firstUnansweredMs, _unanswered, nowMs, timings))
        {
            _suspectedAt.Clear();
            (_asked, _unanswered) = (null, 0);
            return true;
        }
        if (_asked is { } asked && asked != self && !_suspectedAt.ContainsKey(asked)
            && AllocatorSilence.Suspects(_heard.ContainsKey(asked), _firstUnansweredMs, _unanswered, nowMs, timings))
        {
            _suspectedAt[asked] = nowMs;
            (_asked, _unanswered) = (null, 0);
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// The membership's own view of <paramref name="allocator"/> is fresh (the failure detector saw it reachable again):
    /// that view rules again. True if it was suspected. (Its last stamp is kept: a removed member may still be running, and the members
    /// go on reporting their last contact with it.)
    /// </summary>
    public bool Forgive(string allocator) => _suspectedAt.Remove(allocator);
}
