using ConnActors.Policy.Bursts;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>Begins a burst at <paramref name="nowMs"/>, so that its end can release the connections it opened.</summary>
    public BurstId BeginBurst(long nowMs) => _bursts.Begin(nowMs);

    /// <summary>
    /// Ends a burst and names in <paramref name="release"/> the connections it opened and nothing else
    /// uses: peers that leave their last burst, were first connected after the burst began, hold no
    /// subsystem slot and no tag, and are neither friends, protected nor locked. They are marked as
    /// closing; the caller closes them (a query's short-lived connection ends with the query, instead of
    /// lingering until a trim has to choose it over a peer that is still useful). With the burst model
    /// switched off nothing is released.
    /// </summary>
    public void EndBurst(BurstId burst, long nowMs, ICollection<PeerKey> release)
    {
        _releasing = ReleasesInto(release);
        _bursts.End(burst, nowMs, _onBurstFinishedReleasing ??= OnBurstFinishedReleasing);
        _releasing = null;
    }

    /// <summary>
    /// A running burst lets go of <paramref name="peer"/> before it ends (a query that has answered, whose connection the
    /// burst no longer needs): if that was the peer's last burst, it is released as at the burst's end (see
    /// <see cref="EndBurst(BurstId, long, ICollection{PeerKey})"/>), and named in <paramref name="release"/> when it is.
    /// </summary>
    public void LeaveBurst(BurstId burst, PeerKey peer, long nowMs, ICollection<PeerKey> release)
    {
        _releasing = ReleasesInto(release);
        _bursts.Leave(burst, peer, nowMs, _onBurstFinishedReleasing ??= OnBurstFinishedReleasing);
        _releasing = null;
    }

    // Where a peer leaving its last burst is named when it is released: nowhere with the burst model off or at low water.
    private ICollection<PeerKey>? ReleasesInto(ICollection<PeerKey> release) =>
        Settings.Features.BurstModel && EffectiveConnections > Limits.LowWater ? release : null;

    private ICollection<PeerKey>? _releasing;
    private Action<PeerKey, long, long>? _onBurstFinishedReleasing;

    private void OnBurstFinishedReleasing(PeerKey peer, long nowMs, long burstStartMs)
    {
        OnBurstFinished(peer, nowMs, burstStartMs);
        ref var entry = ref _peers.Get(peer);
        if (_releasing is null || System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return;
        bool openedByBurst = entry.IsConnected && entry.ConnectedSinceMs >= burstStartMs;
        bool unused = entry.SubsystemClaims == 0 && entry.TagSum == 0 && !entry.IsPrivileged && entry.LockedUntilMs <= nowMs;
        if (!openedByBurst || !unused || entry.ClosingConnections > 0) return;
        MarkClosing(peer);
        _releasing.Add(peer);
    }
}
