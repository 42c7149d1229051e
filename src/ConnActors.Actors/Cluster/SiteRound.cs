namespace ConnActors.Actors.Cluster;

/// <summary>
/// One round of a site's allocation: every member first shrinks to the smaller of its current and its new
/// cap; only once all of them have acknowledged that does any member grow to its new cap. So the caps in
/// force never add up to more than the budget, whatever order the messages arrive in.
/// </summary>
internal sealed class SiteRound(long version, IReadOnlyDictionary<string, int> targets, IReadOnlyDictionary<string, int> current)
{
    private readonly Dictionary<string, int> _pending = targets.ToDictionary(t => t.Key, t => Math.Min(current.GetValueOrDefault(t.Key), t.Value), StringComparer.Ordinal);
    private readonly HashSet<string> _left = new(StringComparer.Ordinal);

    public long Version { get; } = version;

    public IReadOnlyDictionary<string, int> Targets { get; } = targets;

    /// <summary>The caps of the members still in the site (those that left during the round hold nothing).</summary>
    public IEnumerable<KeyValuePair<string, int>> Shares => Targets.Where(t => !_left.Contains(t.Key));

    public bool Growing { get; private set; }

    /// <summary>Whether the last send of the grow phase held a grow back (the lease book did not allow it then).</summary>
    public bool GrowsHeld { get; set; }

    /// <summary>The caps still to be acknowledged in the current phase.</summary>
    public IReadOnlyDictionary<string, int> Pending => _pending;

    /// <summary>A member acknowledged; returns true when the phase is complete.</summary>
    public bool Applied(string member, long version)
    {
        if (version != Version) return false;
        _pending.Remove(member);
        return _pending.Count == 0;
    }

    /// <summary>A member left the site (removed from the cluster): it holds nothing any more.</summary>
    public bool Left(string member)
    {
        _left.Add(member);
        _pending.Remove(member);
        return _pending.Count == 0;
    }

    /// <summary>Starts the grow phase for the members still in the site (one that left during the shrink phase is not waited for).</summary>
    public void Grow()
    {
        Growing = true;
        foreach (var (member, cap) in Targets)
        {
            if (!_left.Contains(member)) _pending[member] = cap;
        }
    }
}
