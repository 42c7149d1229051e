using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>Connections not already being closed: what regulation measures.</summary>
    public int EffectiveConnections => Connections - _closingConnections;

    /// <summary>
    /// What regulation is due. High water starts a round unless the excess is made only of connections
    /// of running bursts and the predicted arrivals still fit below the hard cap: those connections are
    /// in use and will be first to go when their burst ends, so trimming now would only cause redials.
    /// An arrival spike starts a round early when the predicted arrivals would cross high water, and a
    /// high rate of failed dials starts one above low water (<see cref="TrimSettings.FailedDialShare"/>).
    /// </summary>
    public RegulationTrigger CheckRegulation(long nowMs)
    {
        int count = EffectiveConnections;
        if (_followUpAtMs <= nowMs)
        {
            if (count > Limits.LowWater) return RegulationTrigger.FollowUp;
            _followUpAtMs = long.MaxValue; // reached low water some other way: nothing left to follow up
        }
        int expected = _arrivals.ExpectedArrivals(nowMs);
        if (count >= Limits.HighWater)
        {
            if (!Settings.Features.BurstModel) return RegulationTrigger.HighWater;
            bool excessIsBursts = count - _activeBurstConnections < Limits.HighWater;
            bool arrivalsFit = count + expected < Limits.HardCap;
            return excessIsBursts && arrivalsFit ? RegulationTrigger.None : RegulationTrigger.HighWater;
        }
        if (Settings.Features.BurstModel && count > Limits.LowWater && _arrivals.IsSpike(nowMs) && count + expected >= Limits.HighWater)
            return RegulationTrigger.ArrivalSpike;
        if (count > Limits.LowWater && Settings.Trim.FailedDialShare > 0
            && _failedDials.PerSecond(nowMs) >= Settings.Trim.FailedDialShare * Limits.DialRatePerSecond)
            return RegulationTrigger.FailedDials;
        return HasLingeringDue(nowMs) ? RegulationTrigger.BurstLinger : RegulationTrigger.None;
    }

    /// <summary>
    /// A round takes claimed (long-lived) peers only down to low water plus the connections of running bursts: those
    /// leave when their bursts end, so a lookup's query connections never push out routing-table, pubsub or app peers
    /// (unassigned peers may still go down to low water). Without the burst model, low water.
    /// </summary>
    public int ClaimedFloor => Settings.Features.BurstModel ? Limits.LowWater + _activeBurstConnections : Limits.LowWater;

    /// <summary>Failed outbound dials per second, averaged over a minute.</summary>
    public double FailedDialsPerSecond(long nowMs) => _failedDials.PerSecond(nowMs);

    private Rates.EwmaRate _failedDials = new(60_000);

    // For the tests' reference planner (the plain full pass the planner must agree with).
    internal Peers.PeerTable PeerTable => _peers;
    internal Quotas.QuotaTable QuotaTable => _quotas;
    internal Scoring.PeerScorer Scorer => _scorer;
    // For the tests of the victim search against that pass.
    internal TrimPlanner Planner => _planner;

    /// <summary>When the next follow-up round is due (long.MaxValue when none).</summary>
    public long FollowUpAtMs => _followUpAtMs;

    /// <summary>
    /// The next time after <paramref name="nowMs"/> regulation may be due with no event in between: a follow-up, or the
    /// end of the oldest finished burst peer's linger; <see cref="long.MaxValue"/> if none. A follow-up time already
    /// past turned out unnecessary. A linger that has already ended (regulation was checked but no round planned) is due
    /// at the next periodic check, <paramref name="checkIntervalMs"/> later. The node checks on a periodic timer anyway;
    /// a caller that checks only on events (the simulator) must also check then.
    /// </summary>
    public long NextDueMs(long nowMs, long checkIntervalMs)
    {
        long followUp = _followUpAtMs > nowMs ? _followUpAtMs : long.MaxValue;
        long lingerEnd = NextLingerEndMs;
        return Math.Min(followUp, lingerEnd <= nowMs ? nowMs + Math.Max(1, checkIntervalMs) : lingerEnd);
    }

    /// <inheritdoc />
    public void PlanTrim(long nowMs, TrimPlan plan)
    {
        var trigger = CheckRegulation(nowMs);
        if (trigger == RegulationTrigger.None)
        {
            plan.Reset(trigger, EffectiveConnections, EffectiveConnections);
            return;
        }
        if (trigger == RegulationTrigger.BurstLinger) PlanLingering(plan, nowMs); // marks its victims closing
        else
        {
            // Whatever started the round, the due lingering peers go with it, first: the trigger's own selection may not
            // reach them (grace spares new connections), and while that trigger holds no linger round would run.
            int countBefore = EffectiveConnections;
            TakeDueLingering(nowMs);
            _planner.Plan(plan, trigger, EffectiveConnections, Limits.LowWater, nowMs, ClaimedFloor);
            _closingConnections += plan.ConnectionsClosed; // the planner marked the victims' entries
            AddDueLingering(plan);
            plan.CountBefore = countBefore;
        }
        _work += plan.CandidatesConsidered + 1;
        _followUpAtMs = plan.FollowUpAtMs ?? long.MaxValue;
    }

    /// <summary>True when <paramref name="workingSetBytes"/> is over the configured memory limit.</summary>
    public bool IsUnderMemoryPressure(long workingSetBytes) =>
        Settings.Trim.MemoryLimitBytes > 0 && workingSetBytes > Settings.Trim.MemoryLimitBytes;

    /// <summary>Plans an emergency round down to the configured share of low water.</summary>
    public void PlanEmergencyTrim(long nowMs, TrimPlan plan) =>
        PlanEmergencyTrim(nowMs, (int)(Limits.LowWater * Settings.Trim.EmergencyTargetFraction), plan);

    /// <summary>
    /// Up to <paramref name="count"/> connected peers, best score first, that <paramref name="eligible"/>
    /// accepts and that are not being closed: the peers to recommend in a bye (allocates; per round only).
    /// </summary>
    public IReadOnlyList<PeerKey> BestConnectedPeers(long nowMs, int count, Func<PeerKey, bool> eligible)
    {
        var best = new List<(double Score, PeerKey Peer)>();
        foreach (ref var entry in _peers.Tracked)
        {
            var peer = new PeerKey(entry.Key);
            if (entry.OpenConnections == 0 || !eligible(peer)) continue;
            best.Add((_scorer.Score(peer, in entry, nowMs), peer));
        }
        best.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Peer.Value.CompareTo(b.Peer.Value));
        return best.Take(count).Select(b => b.Peer).ToList();
    }

    /// <inheritdoc />
    public void PlanEmergencyTrim(long nowMs, int target, TrimPlan plan)
    {
        if (target < 0) throw new ArgumentOutOfRangeException(nameof(target));
        _planner.PlanEmergency(plan, EffectiveConnections, target, nowMs);
        _closingConnections += plan.ConnectionsClosed; // the planner marked the victims' entries
        _work += plan.CandidatesConsidered + 1;
    }

    /// <summary>
    /// Drops the records whose time is up (from a heap: only those are touched). Decay needs no upkeep: it
    /// is evaluated lazily. Only with lazy scoring switched off (an ablation) does it walk every tracked
    /// peer once per minute, as an eager design would.
    /// </summary>
    public void Tick(long nowMs)
    {
        _peers.ExpireDue(nowMs);
        if (Settings.Features.LazyScoring || nowMs < _nextEagerSweepMs) return;
        _nextEagerSweepMs = nowMs + 60_000;
        var tracked = _peers.Tracked;
        for (int slot = 0; slot < tracked.Length; slot++)
        {
            _eagerScoreSink += _scorer.Score(new PeerKey(tracked[slot].Key), in tracked[slot], nowMs);
        }
        _work += tracked.Length * (long)(Settings.Scoring.Signals.Length + 1);
    }

    private long _nextEagerSweepMs;
    // Keeps the eager sweep's score reads observable so the work it models is really done.
    private double _eagerScoreSink;

    // Every connection the peer holds now is chosen to close; one established later is not.
    private void MarkClosing(PeerKey peer)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return;
        _closingConnections += entry.OpenConnections;
        entry.ClosingConnections = entry.Connections;
    }
}
