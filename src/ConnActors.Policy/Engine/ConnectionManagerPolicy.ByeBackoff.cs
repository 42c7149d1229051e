using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>
    /// The backoff a bye to <paramref name="peer"/> (being trimmed) asks for: the short
    /// <see cref="Politeness.ByeBackoffSettings.ActivePeerBackoffMs"/> when a stream was opened to or by
    /// it within the active window, the full <see cref="Politeness.ByeBackoffSettings.BackoffMs"/> otherwise.
    /// Call it before the peer's last connection closes (the index forgets a peer with none).
    /// </summary>
    public long ByeBackoffMs(PeerKey peer, long nowMs)
    {
        var s = Settings.Bye;
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return s.BackoffMs;
        var (streams, lastStreamMs) = entry.Signals[(int)UsefulnessSignal.StreamOpened].Raw;
        return streams > 0 && nowMs - lastStreamMs <= s.ActiveWindowMs ? s.ActivePeerBackoffMs : s.BackoffMs;
    }
}
