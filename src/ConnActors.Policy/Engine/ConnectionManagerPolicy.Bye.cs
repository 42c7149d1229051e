using ConnActors.Policy.Admission;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>
    /// We said bye to <paramref name="peer"/> asking it not to redial before <paramref name="untilMs"/>.
    /// Until then an inbound connection from it is refused (<see cref="RefusalReason.Backoff"/>) and
    /// penalized as a bye violation; the peer's record is kept that long.
    /// </summary>
    public void RecordByeSent(PeerKey peer, long untilMs, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        entry.ByeSentUntilMs = Math.Max(entry.ByeSentUntilMs, untilMs);
        RetainRecord(peer, untilMs, nowMs);
    }

    /// <summary>True (and the peer penalized) when <paramref name="peer"/> is back inside the backoff our bye asked for.</summary>
    private bool ViolatesBye(PeerKey peer, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || entry.ByeSentUntilMs <= nowMs) return false;
        if (Settings.Scoring.ByeViolationPenalty > 0) Penalize(peer, Settings.Scoring.ByeViolationPenalty, nowMs);
        return true;
    }
}
