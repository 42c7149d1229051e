using ConnActors.Policy.Admission;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    private readonly Dictionary<int, long> _byeSentUntil = new();
    private int _byeWritesSinceCleanup;

    /// <summary>
    /// We said bye to <paramref name="peer"/> asking it not to redial before <paramref name="untilMs"/>.
    /// Until then an inbound connection from it is refused (<see cref="RefusalReason.Backoff"/>) and
    /// penalized as a bye violation.
    /// </summary>
    public void RecordByeSent(PeerKey peer, long untilMs, long nowMs)
    {
        if (++_byeWritesSinceCleanup >= 1024)
        {
            _byeWritesSinceCleanup = 0;
            foreach (var (key, until) in _byeSentUntil)
            {
                if (until <= nowMs) _byeSentUntil.Remove(key);
            }
        }
        _byeSentUntil[peer.Value] = Math.Max(untilMs, _byeSentUntil.GetValueOrDefault(peer.Value));
    }

    /// <summary>True (and the peer penalized) when <paramref name="peer"/> is back inside the backoff our bye asked for.</summary>
    private bool ViolatesBye(PeerKey peer, long nowMs)
    {
        if (_byeSentUntil.Count == 0 || !_byeSentUntil.TryGetValue(peer.Value, out long until)) return false;
        if (until <= nowMs)
        {
            _byeSentUntil.Remove(peer.Value);
            return false;
        }
        if (Settings.Scoring.ByeViolationPenalty > 0) _penalties.Penalize(peer, Settings.Scoring.ByeViolationPenalty, nowMs);
        return true;
    }
}
