namespace ConnActors.Policy.Trimming;

/// <summary>A peer to close, why, and how many connections that removes.</summary>
public readonly record struct TrimVictim(PeerKey Peer, TrimReason Reason, int Connections, double Score);

/// <summary>
/// The outcome of one regulation round: the victims in closing order and whether a follow-up round is
/// due. Reusable: the owner keeps one instance and the planner refills it, so rounds do not allocate.
/// </summary>
public sealed class TrimPlan
{
    private readonly List<TrimVictim> _victims = new();

    /// <summary>Peers to close, in order.</summary>
    public IReadOnlyList<TrimVictim> Victims => _victims;

    /// <summary>What started this round.</summary>
    public RegulationTrigger Trigger { get; internal set; }

    /// <summary>Connections counted when the round started.</summary>
    public int CountBefore { get; internal set; }

    /// <summary>The count this round aims for.</summary>
    public int Target { get; set; }

    /// <summary>Connections the victims hold.</summary>
    public int ConnectionsClosed { get; internal set; }

    /// <summary>When a follow-up round is due, or null when the target was reached.</summary>
    public long? FollowUpAtMs { get; internal set; }

    /// <summary>Candidates considered (for metrics: policy work).</summary>
    public int CandidatesConsidered { get; set; }

    /// <summary>Empties the plan for a new round.</summary>
    public void Reset(RegulationTrigger trigger, int countBefore, int target)
    {
        _victims.Clear();
        Trigger = trigger;
        CountBefore = countBefore;
        Target = target;
        ConnectionsClosed = 0;
        FollowUpAtMs = null;
        CandidatesConsidered = 0;
    }

    /// <summary>Adds a victim (in closing order).</summary>
    public void Add(TrimVictim victim)
    {
        _victims.Add(victim);
        ConnectionsClosed += victim.Connections;
    }
}
