namespace ConnActors.Policy.Fleet;

/// <summary>
/// Router entries that members which left a site still hold: the router keeps the entries of a departed
/// member's connections (closed by its exit, or never closed when its machine died) until they linger out,
/// so the members that stay count them before they borrow beyond their shares
/// (<see cref="RouterEntryBudget.MayOpen(int, int, int, int, int, long)"/>). Each departure counts the
/// entries the member last reported, for <see cref="LingerMs"/> from the moment it was seen to leave. Times
/// are given by the caller.
/// </summary>
public sealed class DepartedEntries
{
    private readonly Dictionary<(string Member, string Site), Departure> _departed = new();

    /// <summary>Departures counted for <paramref name="lingerMs"/> (&gt;= 0; 0 counts none).</summary>
    public DepartedEntries(long lingerMs)
    {
        if (lingerMs < 0) throw new ArgumentOutOfRangeException(nameof(lingerMs), lingerMs, "must be >= 0");
        LingerMs = lingerMs;
    }

    /// <summary>How long a departed member's entries are counted.</summary>
    public long LingerMs { get; }

    /// <summary>
    /// <paramref name="member"/> of <paramref name="site"/> left at <paramref name="nowMs"/> holding <paramref name="entries"/>.
    /// A member (address) that leaves again while its earlier entries still linger holds both, until the later
    /// departure's linger ends (longer than the earlier's, never shorter).
    /// </summary>
    public void Left(string member, string site, long entries, long nowMs)
    {
        if (entries <= 0 || LingerMs == 0) return;
        if (_departed.TryGetValue((member, site), out var earlier) && earlier.UntilMs > nowMs) entries += earlier.Entries;
        _departed[(member, site)] = new Departure(entries, nowMs + LingerMs);
    }

    /// <summary>The entries departed members of <paramref name="site"/> still hold at <paramref name="nowMs"/>.</summary>
    public long HeldAt(string site, long nowMs)
    {
        long held = 0;
        List<(string, string)>? expired = null;
        foreach (var (key, departure) in _departed)
        {
            if (departure.UntilMs <= nowMs) (expired ??= []).Add(key);
            else if (key.Site == site) held += departure.Entries;
        }
        if (expired is not null) foreach (var key in expired) _departed.Remove(key);
        return held;
    }

    private readonly record struct Departure(long Entries, long UntilMs);
}
