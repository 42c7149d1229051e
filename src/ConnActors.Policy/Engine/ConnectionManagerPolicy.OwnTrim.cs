using ConnActors.Policy.Politeness;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>
    /// The end of this node's hold on its own dials to <paramref name="peer"/>, trimmed now for <paramref name="reason"/>
    /// (<see cref="OwnTrimHold"/>; <paramref name="nowMs"/> when it holds nothing: a friend, the hold off, or a peer whose
    /// last use was a finished burst). Ask before the close is reported: the peer's burst state goes with its record.
    /// </summary>
    public long OwnTrimHoldUntil(PeerKey peer, TrimReason reason, long nowMs) =>
        OwnTrimHold.Until(nowMs, Settings.Bye.OwnTrimBackoffMs, IsFriend(peer), LastUseWasFinishedBurst(peer, reason));

    /// <summary>
    /// Was <paramref name="peer"/>, trimmed now for <paramref name="reason"/>, last used by a burst that has ended
    /// (<see cref="OwnTrimHold.LastUseWasFinishedBurst"/>)? Ask before the close is reported.
    /// </summary>
    public bool LastUseWasFinishedBurst(PeerKey peer, TrimReason reason)
    {
        ref var entry = ref _peers.Get(peer);
        return System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)
            ? reason == TrimReason.FinishedBurst
            : OwnTrimHold.LastUseWasFinishedBurst(reason, entry.FinishedBurst, entry.ActiveBursts, entry.SubsystemClaims != 0);
    }
}
