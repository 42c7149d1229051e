namespace ConnActors.Policy.Fleet;

/// <summary>
/// What a member says with each lease request: <paramref name="EchoMs"/>, the stamp of the last answer it had from the
/// allocator it asks (-1: none); <paramref name="OtherStampMs"/> and <paramref name="OtherAgeMs"/>, the stamp of the last
/// answer it had from any other allocator and how long ago (age -1: never); <paramref name="InForce"/>, the cap its lease
/// allowed as it sent the request.
/// </summary>
public sealed record LeaseReport(long EchoMs, long OtherStampMs, long OtherAgeMs, int InForce);

/// <summary>
/// A site allocator's book of the leases (docs/cluster.md, "The share is a lease"), on its own clock. Several members may
/// believe they allocate at once (a false suspicion, a partition); the book keeps the caps in force within the budget
/// whatever they do:
/// <list type="bullet">
/// <item>it acts (renews, grows) only while quorate (<see cref="LeaseQuorum.Quorate"/>) and once no other allocator can
/// still act (<see cref="LeaseQuorum.OthersActedBy"/> + margin passed): so the actions of two allocators never
/// interleave, and the later one knows when the earlier one's may have happened;</item>
/// <item>when a member reports hearing from another allocator after this one's epoch began, the records are stale: it
/// forgets its grants (a new epoch begins once it may act again), and every member is counted as holding what another
/// allocator may have left it (unknown until <see cref="LeaseQuorum.OthersActedBy"/> + length + margin, its floor until
/// + floor-length + margin);</item>
/// <item>a renewal of a member it has not renewed in this epoch is bounded by what the member still had in force when it
/// asked, so it never revives a share another allocator gave away;</item>
/// <item>it grows a member only when every other member's reservation (its own records and what another allocator may
/// have left) leaves room within the budget.</item>
/// </list>
/// </summary>
public sealed class LeaseBook(ShareLeaseTimings timings)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Stamp, long EstimateMs)> _others = new(StringComparer.Ordinal);
    private long? _epochStartMs;

    /// <summary>The lease timings the book counts with.</summary>
    public ShareLeaseTimings Timings { get; } = timings;

    /// <summary>How many members ask for leases (the quorum's base).</summary>
    public int Members { get; set; } = 1;

    /// <summary>The member of the quorum's base with the lowest address (<see cref="LeaseQuorum"/>: it breaks a tie), or null.</summary>
    public string? TieBreaker { get; set; }

    /// <summary>The epoch this allocator acts in (its clock when the epoch began), or null while it may not act.</summary>
    public long? Epoch => _epochStartMs;

    /// <summary>A member of <paramref name="site"/> with <paramref name="floor"/> (from its load).</summary>
    public void Seen(string member, string site, int floor)
    {
        if (_entries.TryGetValue(member, out var entry)) _entries[member] = entry with { Site = site, Floor = floor };
        else _entries[member] = new Entry(site, floor, 0, AnsweredMs: null, EchoMs: long.MinValue / 4);
    }

    /// <summary>Whether <paramref name="member"/>'s load has been seen.</summary>
    public bool Knows(string member) => _entries.ContainsKey(member);

    /// <summary>A lease request from <paramref name="member"/>: notes its echo and its last contact with another allocator.</summary>
    public void Requested(string member, LeaseReport report, long nowMs)
    {
        if (!_entries.TryGetValue(member, out var entry)) return;
        if (report.EchoMs > entry.EchoMs && report.EchoMs <= nowMs) _entries[member] = entry with { EchoMs = report.EchoMs };
        if (report.OtherAgeMs < 0)
        {
            _others.TryAdd(member, (-1, long.MinValue / 4));
            return;
        }
        // A contact reported again keeps its first estimate (the tightest: each is later than the contact by the request's
        // transit). The age is measured on the member's clock, which may run faster than this one by up to the drift the
        // margin covers: the estimate takes that much off it, so it is never earlier than the contact.
        bool reported = _others.TryGetValue(member, out var known);
        if (reported && known.Stamp == report.OtherStampMs && known.EstimateMs > long.MinValue / 4) return;
        long fresh = nowMs - (long)(report.OtherAgeMs * Math.Max(0, 1 - Timings.DriftCovered));
        long estimate = reported ? Math.Max(known.EstimateMs, fresh) : fresh;
        _others[member] = (report.OtherStampMs, estimate);
        if (_epochStartMs is { } start && estimate + Timings.QuorumWindowMs > start) Restart();
    }

    /// <summary>Whether a quorum echoed this allocator within the quorum window (<see cref="LeaseQuorum.Quorate"/>).</summary>
    public bool Quorate(long nowMs) => LeaseQuorum.Quorate(_entries.Values.Select(e => e.EchoMs), Members, nowMs, Timings,
        TieBreaker is not null && _entries.TryGetValue(TieBreaker, out var tie) ? tie.EchoMs : null);

    /// <summary>The latest moment another allocator may have acted (null: not known yet).</summary>
    public long? OthersActedBy => LeaseQuorum.OthersActedBy(_others.Values.Select(o => o.EstimateMs).ToList(), Members, Timings,
        TieBreaker is not null && _others.ContainsKey(TieBreaker));

    /// <summary>Whether this allocator may renew and grow now; the first time after a restart, a new epoch begins.</summary>
    public bool MayAct(long nowMs)
    {
        if (!Quorate(nowMs) || OthersActedBy is not { } others || nowMs < others + Timings.MarginMs) return false;
        _epochStartMs ??= nowMs;
        return true;
    }

    /// <summary>
    /// Whether this allocator may split the budget anew: it may act, and what another allocator may have left any member
    /// is at most its floor (so a split does not take the shares of members that keep them across a hand-over).
    /// </summary>
    public bool MaySplit(long nowMs) => MayAct(nowMs) && OthersLeftAtMostFloors(nowMs);

    /// <summary>
    /// Renews <paramref name="member"/>'s lease now, returning what this allocator reserves for it (the renewal's bound),
    /// or null when it may not act (the caller answers with a probe). A member renewed in this epoch is bounded by this
    /// book; another by what it had in force when it asked (<paramref name="inForce"/>).
    /// </summary>
    public int? Renew(string member, int inForce, long nowMs)
    {
        if (!MayAct(nowMs) || !_entries.TryGetValue(member, out var entry)) return null;
        int bound = entry.AnsweredMs is not null
            ? HeldAtMost(entry.Granted, entry.AnsweredMs, entry.Floor, nowMs)
            : Math.Min(Math.Max(0, inForce), OthersLeft(entry, nowMs) ?? int.MaxValue);
        _entries[member] = entry with { Granted = bound, AnsweredMs = nowMs };
        return bound;
    }

    /// <summary>Whether this allocator renewed <paramref name="member"/>'s whole grant recently enough that it still holds.</summary>
    public bool Live(string member, long nowMs) =>
        _entries.TryGetValue(member, out var entry) && entry.AnsweredMs is { } answered && ShareLease.Live(answered, nowMs, Timings);

    /// <summary>
    /// The most <paramref name="member"/> may hold now, by this book and by what another allocator may have left it; null
    /// while that is unknown.
    /// </summary>
    public int? Reserved(string member, long nowMs)
    {
        if (!_entries.TryGetValue(member, out var entry)) return 0;
        int own = Math.Max(HeldAtMost(entry.Granted, entry.AnsweredMs, entry.Floor, nowMs),
            HeldAtMost(entry.EarlierGranted, entry.EarlierAnsweredMs, entry.Floor, nowMs));
        return OthersLeft(entry, nowMs) is { } others ? Math.Max(own, others) : null;
    }

    /// <summary>
    /// Whether <paramref name="member"/> may grow to <paramref name="cap"/>: this allocator may split, and the other members
    /// of its site keep room for it within <paramref name="budget"/>.
    /// </summary>
    public bool MayGrow(string member, int cap, int budget, long nowMs)
    {
        if (!MaySplit(nowMs) || !_entries.TryGetValue(member, out var entry) || entry.AnsweredMs is null) return false;
        long others = 0;
        foreach (var (name, e) in _entries)
        {
            if (name == member || e.Site != entry.Site) continue;
            others += Reserved(name, nowMs) ?? budget + 1L;
        }
        return others + cap <= budget;
    }

    /// <summary>This allocator let <paramref name="member"/> use up to <paramref name="cap"/> (a grow it sent; until acknowledged, the larger counts).</summary>
    public void Granted(string member, int cap)
    {
        if (_entries.TryGetValue(member, out var entry)) _entries[member] = entry with { Granted = Math.Max(entry.Granted, cap) };
    }

    /// <summary><paramref name="member"/> acknowledged a shrink of this epoch: its grant is at most <paramref name="cap"/>.</summary>
    public void Shrunk(string member, int cap)
    {
        if (_entries.TryGetValue(member, out var entry)) _entries[member] = entry with { Granted = Math.Min(entry.Granted, cap) };
    }

    /// <summary>What members of <paramref name="site"/> that are not <paramref name="participants"/> may still hold, added up (unknown counts as the floor: call only when <see cref="MaySplit"/>).</summary>
    public int ReservedOutside(string site, IReadOnlySet<string> participants, long nowMs) =>
        _entries.Where(e => e.Value.Site == site && !participants.Contains(e.Key)).Sum(e => Reserved(e.Key, nowMs) ?? e.Value.Floor);

    /// <summary>
    /// The next moment after <paramref name="nowMs"/> at which what this book allows changes by time alone (another
    /// allocator can no longer act; what it may have left falls to the floor, then to nothing; a member renewed here stops
    /// being live, or what it may hold lapses), or null when nothing will. An allocator looks again then, not at its next
    /// periodic tick: each tick of delay is added to a dead member's share being handed out.
    /// </summary>
    public long? NextChangeMs(long nowMs)
    {
        long? next = null;
        void Consider(long at)
        {
            if (at > nowMs && (next is null || at < next)) next = at;
        }
        if (OthersActedBy is { } last)
        {
            Consider(last + Timings.MarginMs);
            Consider(last + Timings.LengthMs + Timings.MarginMs);
            Consider(last + Timings.FloorLengthMs + Timings.MarginMs);
        }
        foreach (var entry in _entries.Values)
        {
            if (entry.EarlierAnsweredMs is { } earlier && ShareLease.NextLapse(entry.EarlierGranted, entry.Floor, earlier, nowMs, Timings) is { } earlierLapse)
                Consider(earlierLapse);
            if (entry.AnsweredMs is not { } answered) continue;
            Consider(answered + Timings.LengthMs + Timings.MarginMs);
            if (ShareLease.NextLapse(entry.Granted, entry.Floor, answered, nowMs, Timings) is { } lapse) Consider(lapse);
        }
        return next;
    }

    /// <summary>Forgets members that left and can no longer hold anything.</summary>
    public void Purge(IReadOnlySet<string> members, long nowMs)
    {
        foreach (var gone in _entries.Keys.Where(m => !members.Contains(m) && Reserved(m, nowMs) == 0).ToList()) _entries.Remove(gone);
        foreach (var gone in _others.Keys.Where(m => !members.Contains(m)).ToList()) _others.Remove(gone);
    }

    // Another allocator may have acted after this epoch began: every grant this book records may be stale. What this book
    // renewed and grew in the epoch that ends is still in force at its members until those leases lapse, though: it is
    // kept apart as what they may hold from an earlier epoch, or a later epoch would count them at their floor (or nothing)
    // and grow others into room they still hold.
    private void Restart()
    {
        _epochStartMs = null;
        foreach (var (member, entry) in _entries.ToList())
        {
            var carried = entry;
            // Both leases end by the later answer's at the latest, and the larger grant bounds both.
            if (entry.AnsweredMs is { } answered)
                carried = entry with
                {
                    EarlierGranted = Math.Max(entry.Granted, entry.EarlierGranted),
                    EarlierAnsweredMs = Math.Max(answered, entry.EarlierAnsweredMs ?? long.MinValue),
                };
            _entries[member] = carried with { Granted = 0, AnsweredMs = null };
        }
    }

    // What a member granted `granted` and last answered at `answeredMs` may still hold (nothing if never answered).
    private int HeldAtMost(int granted, long? answeredMs, int floor, long nowMs) =>
        answeredMs is { } answered ? ShareLease.HeldAtMost(granted, floor, answered, nowMs, Timings) : 0;

    // What another allocator may have left a member: unknown until its last possible renewal's whole lease has lapsed,
    // then the floor until the floor's lease has.
    private int? OthersLeft(Entry entry, long nowMs)
    {
        if (OthersActedBy is not { } last) return null;
        if (nowMs < last + Timings.LengthMs + Timings.MarginMs) return null;
        return nowMs < last + Timings.FloorLengthMs + Timings.MarginMs ? entry.Floor : 0;
    }

    private bool OthersLeftAtMostFloors(long nowMs) =>
        OthersActedBy is { } last && nowMs >= last + Timings.LengthMs + Timings.MarginMs;

    // EarlierGranted and EarlierAnsweredMs: what this book last granted in an epoch that ended, and when it answered then.
    private sealed record Entry(string Site, int Floor, int Granted, long? AnsweredMs, long EchoMs, int EarlierGranted = 0, long? EarlierAnsweredMs = null);
}
