using ConnActors.Policy.Peers;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    // Peers in the order their last burst ended (time only grows, so a queue is sorted); entries that
    // no longer describe the peer (it joined another burst, got claimed, left) are dropped when met.
    private readonly Queue<(PeerKey Peer, long FinishedMs)> _lingering = new();

    private void RememberLingering(PeerKey peer, long nowMs)
    {
        if (Settings.Trim.BurstLingerMs > 0 && Settings.Features.BurstModel) _lingering.Enqueue((peer, nowMs));
    }

    // When the oldest remembered burst peer's linger ends (it may turn out to be no longer lingering).
    private long NextLingerEndMs => _lingering.TryPeek(out var next) ? next.FinishedMs + Settings.Trim.BurstLingerMs : long.MaxValue;

    private bool HasLingeringDue(long nowMs)
    {
        while (_lingering.TryPeek(out var next))
        {
            if (next.FinishedMs + Settings.Trim.BurstLingerMs > nowMs) return false;
            if (IsLingering(next.Peer, next.FinishedMs, nowMs)) return true;
            _lingering.Dequeue();
        }
        return false;
    }

    // Closes every peer whose burst ended at least the linger time ago and that nothing has claimed
    // since, oldest first, in one round. Grace does not spare them: their burst said they are done. No
    // per-round budget: the only one was the smoothed rounds' (5% of the hard cap), simplified away, and a
    // burst's end already releases its connections all at once (EndBurst); the checks come every
    // regulation interval, so a round holds the bursts that ended within about one interval.
    private void PlanLingering(TrimPlan plan, long nowMs)
    {
        int count = EffectiveConnections;
        plan.Reset(RegulationTrigger.BurstLinger, count, count);
        TakeDueLingering(nowMs);
        AddDueLingering(plan);
        plan.Target = count - plan.ConnectionsClosed;
    }

    // The peers TakeDueLingering took, into the plan as considered candidates and victims.
    private void AddDueLingering(TrimPlan plan)
    {
        foreach (var victim in _dueLingering) plan.Add(victim);
        plan.CandidatesConsidered += _dueLingering.Count;
    }

    private readonly List<TrimVictim> _dueLingering = new();

    // The due lingering peers, marked closing, into _dueLingering; their connections are added to the closing count.
    private void TakeDueLingering(long nowMs)
    {
        _dueLingering.Clear();
        while (_lingering.TryPeek(out var next) && next.FinishedMs + Settings.Trim.BurstLingerMs <= nowMs)
        {
            _lingering.Dequeue();
            if (!IsLingering(next.Peer, next.FinishedMs, nowMs)) continue;
            ref var entry = ref _peers.Get(next.Peer);
            _dueLingering.Add(new TrimVictim(next.Peer, TrimReason.FinishedBurst, entry.Connections, _scorer.Score(next.Peer, in entry, nowMs)));
            MarkClosing(next.Peer);
        }
    }

    private bool IsLingering(PeerKey peer, long finishedMs, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        return !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)
            && entry.FinishedBurst && entry.BurstFinishedMs == finishedMs && entry.ActiveBursts == 0
            && entry.SubsystemClaims == 0 && entry.OpenConnections > 0
            && !entry.IsFriend && !entry.IsProtected && entry.LockedUntilMs <= nowMs;
    }
}
