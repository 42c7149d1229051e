namespace ConnActors.Actors.Dht;

/// <summary>
/// Lookups counted by kind for operators: started (run or queued), refused (the queue was full), and how each
/// ended. <c>started = succeeded + timed out + not found + running + waiting</c>.
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

    /// <summary>A lookup that got what it was for succeeded, even if its time ran out after; one that did not timed out or found nothing.</summary>
    public static LookupOutcome OutcomeOf(bool gotIt, bool timedOut) =>
        gotIt ? LookupOutcome.Succeeded : timedOut ? LookupOutcome.TimedOut : LookupOutcome.NotFound;

    public void Started(LookupKind kind) => _byKind[kind].Started++;

    public void Refused(LookupKind kind) => _byKind[kind].Refused++;

    public LookupOutcome Finished(LookupKind kind, bool gotIt, bool timedOut)
    {
        var outcome = OutcomeOf(gotIt, timedOut);
        var counts = _byKind[kind];
        switch (outcome)
        {
            case LookupOutcome.TimedOut: counts.TimedOut++; break;
            case LookupOutcome.NotFound: counts.NotFound++; break;
            default: counts.Succeeded++; break;
        }
        return outcome;
    }

    public IReadOnlyList<LookupKindCounts> Snapshot() =>
        _byKind.Select(e => new LookupKindCounts(Label(e.Key), e.Value.Started, e.Value.Succeeded, e.Value.TimedOut, e.Value.NotFound, e.Value.Refused)).ToList();

    private sealed class Counts
    {
        public long Started, Succeeded, TimedOut, NotFound, Refused;
    }
}
