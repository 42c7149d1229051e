namespace ConnActors.Actors.Cluster;

/// <summary>What a Negotiator did: handoffs, penalties shared and merged, loads published, messages sent and refused, allocators suspected of silence.</summary>
internal sealed class NegotiatorCounters
{
    public long HandoffsOffered;
    public long HandoffsAccepted;
    public long HandoffsCompleted;
    public long HandoffsFailed;
    public long HandoffsTaken;
    public long PenaltiesShared;
    public long PenaltiesMerged;
    public long Published;
    public long Sent;
    public long Refused;
    public long AllocatorsSuspected;

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["handoffsOffered"] = HandoffsOffered,
        ["handoffsAccepted"] = HandoffsAccepted,
        ["handoffsCompleted"] = HandoffsCompleted,
        ["handoffsFailed"] = HandoffsFailed,
        ["handoffsTaken"] = HandoffsTaken,
        ["penaltiesShared"] = PenaltiesShared,
        ["penaltiesMerged"] = PenaltiesMerged,
        ["loadsPublished"] = Published,
        ["messagesSent"] = Sent,
        ["refusedFromNonMembers"] = Refused,
        ["allocatorsSuspected"] = AllocatorsSuspected,
    };
}
