using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// The elected site allocator's record of the leases it renews (docs/cluster.md, "The share is a lease"): for each
/// member, the most it granted, when it last renewed its lease and when the member last echoed one of its stamps, all
/// on the allocator's clock. From it, what each member may still hold (<see cref="ShareLease.HeldAtMost"/>), whether
/// the allocator is quorate (<see cref="LeaseQuorum"/>), and, for members it never renewed, the bound its predecessor's
/// leases fall under. Started afresh every time its member is elected: another allocator may have renewed since.
/// </summary>
internal sealed class SiteLeases(ShareLeaseTimings timings)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastOtherRenewal = new(StringComparer.Ordinal);

    public ShareLeaseTimings Timings { get; } = timings;

    /// <summary>How many members ask for leases (members of a site with a budget, not removed): the quorum's base.</summary>
    public int Members { get; set; } = 1;

    /// <summary>Forgets everything: this member was (re)elected.</summary>
    public void Restart()
    {
        _entries.Clear();
        _lastOtherRenewal.Clear();
    }

    /// <summary>A member's load: its site and floor, and a first estimate of its grant when this allocator has none.</summary>
    public void Seen(string member, string site, int floor, int grant)
    {
        if (_entries.TryGetValue(member, out var entry)) _entries[member] = entry with { Site = site, Floor = floor };
        else _entries[member] = new Entry(site, floor, grant, AnsweredMs: null, EchoMs: long.MinValue / 4);
    }

    /// <summary>
    /// A lease request from <paramref name="member"/>: notes its echo and when it last heard from another allocator
    /// (<paramref name="otherAgeMs"/> ago, -1: never).
    /// </summary>
    public void Requested(string member, long echoMs, long otherAgeMs, long nowMs)
    {
        if (!_entries.TryGetValue(member, out var entry)) return;
        if (echoMs > entry.EchoMs && echoMs <= nowMs) _entries[member] = entry with { EchoMs = echoMs };
        if (!_lastOtherRenewal.ContainsKey(member)) _lastOtherRenewal[member] = otherAgeMs < 0 ? long.MinValue / 4 : nowMs - otherAgeMs;
    }

    public bool Knows(string member) => _entries.ContainsKey(member);

    /// <summary>Renews <paramref name="member"/>'s lease now; returns what this allocator still reserves for it (the renewal's bound).</summary>
    public int Renew(string member, long nowMs)
    {
        var entry = _entries[member];
        int bound = HeldAtMost(member, nowMs);
        _entries[member] = entry with { Granted = bound, AnsweredMs = nowMs };
        return bound;
    }

    /// <summary>What this allocator reserves for <paramref name="member"/> without renewing it (a probe's bound).</summary>
    public int HeldAtMost(string member, long nowMs)
    {
        if (!_entries.TryGetValue(member, out var entry)) return 0;
        long answered = entry.AnsweredMs ?? PredecessorAnsweredBy ?? long.MaxValue / 4;
        return answered >= long.MaxValue / 4 ? entry.Granted : ShareLease.HeldAtMost(entry.Granted, entry.Floor, answered, nowMs, Timings);
    }

    /// <summary>Whether this allocator renewed <paramref name="member"/>'s whole grant recently enough that it still holds.</summary>
    public bool Live(string member, long nowMs) =>
        _entries.TryGetValue(member, out var entry) && entry.AnsweredMs is { } answered && ShareLease.Live(answered, nowMs, Timings);

    /// <summary>This allocator let <paramref name="member"/> use up to <paramref name="cap"/> (a grow it sent).</summary>
    public void Granted(string member, int cap)
    {
        if (_entries.TryGetValue(member, out var entry)) _entries[member] = entry with { Granted = cap };
    }

    /// <summary><paramref name="member"/> acknowledged a shrink: its grant is at most <paramref name="cap"/>.</summary>
    public void Shrunk(string member, int cap)
    {
        if (_entries.TryGetValue(member, out var entry)) _entries[member] = entry with { Granted = Math.Min(entry.Granted, cap) };
    }

    public bool Quorate(long nowMs) => LeaseQuorum.Quorate(_entries.Values.Select(e => e.EchoMs), Members, nowMs, Timings);

    /// <summary>What members of <paramref name="site"/> that are not <paramref name="participants"/> may still hold, added up.</summary>
    public int ReservedOutside(string site, IReadOnlySet<string> participants, long nowMs) =>
        _entries.Where(e => e.Value.Site == site && !participants.Contains(e.Key)).Sum(e => HeldAtMost(e.Key, nowMs));

    /// <summary>Forgets members that left and can no longer hold anything.</summary>
    public void Purge(IReadOnlySet<string> members, long nowMs)
    {
        foreach (var gone in _entries.Keys.Where(m => !members.Contains(m) && HeldAtMost(m, nowMs) == 0).ToList()) _entries.Remove(gone);
    }

    private long? PredecessorAnsweredBy => LeaseQuorum.PredecessorAnsweredBy(_lastOtherRenewal.Values, Members, Timings);

    private sealed record Entry(string Site, int Floor, int Granted, long? AnsweredMs, long EchoMs);
}
