namespace ConnActors.Actors.Dht;

/// <summary>
/// Lookups counted by kind for operators: started (run or queued), refused (the queue was full), and how each
/// ended. <c>started = completed + timed out + no answer + running + waiting</c>.
/// </summary>
internal sealed class LookupTallies
{
    private readonly Dictionary<LookupKind, Counts> _byKind = Enum.GetValues<LookupKind>().ToDictionary(k => k, _ => new Counts());

    /// <summary>The label of a kind in the API and the metrics.</summary>
    public static string Label(LookupKind kind) => kind switch
    {
        LookupKind.FindPeer => "find_peer",
        LookupKind.Closest => "closest",
        LookupKind.Provide => "provide",
        LookupKind.Put => "put_value",
        LookupKind.FindProviders => "find_providers",
        LookupKind.GetValue => "get_value",
        _ => "refresh",
    };

    /// <summary>A lookup failed when it timed out or when no peer answered it (nobody to ask, or every query failed).</summary>
    public static LookupOutcome OutcomeOf(LookupStats stats) =>
        stats.TimedOut ? LookupOutcome.TimedOut : stats.Answered == 0 ? LookupOutcome.NoAnswer : LookupOutcome.Completed;

    public void Started(LookupKind kind) => _byKind[kind].Started++;

    public void Refused(LookupKind kind) => _byKind[kind].Refused++;

    public LookupOutcome Finished(LookupKind kind, LookupStats stats)
    {
        var outcome = OutcomeOf(stats);
        var counts = _byKind[kind];
        switch (outcome)
        {
            case LookupOutcome.TimedOut: counts.TimedOut++; break;
            case LookupOutcome.NoAnswer: counts.NoAnswer++; break;
            default: counts.Completed++; break;
        }
        return outcome;
    }

    public IReadOnlyList<LookupKindCounts> Snapshot() =>
        _byKind.Select(e => new LookupKindCounts(Label(e.Key), e.Value.Started, e.Value.Completed, e.Value.TimedOut, e.Value.NoAnswer, e.Value.Refused)).ToList();

    private sealed class Counts
    {
        public long Started, Completed, TimedOut, NoAnswer, Refused;
    }
}
