using ConnActors.Actors.Bye;
using ConnActors.Actors.Quotas;
using ConnActors.Policy;
using ConnActors.Policy.Trimming;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Ledger;

// Requests of a subsystem (through its QuotaSupervisor): slots, bursts, locks and usefulness reports.
internal sealed partial class ConnectionLedger
{
    private readonly Dictionary<int, (SubsystemId Owner, BurstId Burst)> _bursts = new();
    private readonly List<PeerKey> _released = new();
    private int _nextBurst;

    /// <summary>Carries out <paramref name="request"/> of <paramref name="subsystem"/>; returns the reply, if the request has one.</summary>
    public object? Subsystem(SubsystemId subsystem, object request, long nowMs)
    {
        switch (request)
        {
            case RequestSlot slot:
            {
                var key = _peers.KeyFor(slot.Peer);
                var decision = _policy.RequestSlot(subsystem, key, nowMs);
                if (decision.HasVictim) Reclaim(decision.Victim, nowMs);
                if (!decision.IsGranted) ReleaseIfForgotten(key);
                return new SlotReply(slot.Peer, decision.Outcome);
            }
            case ReleaseSlot release when _peers.TryGetKey(release.Peer, out var key):
                _policy.ReleaseSlot(subsystem, key, nowMs);
                ReleaseIfForgotten(key);
                return null;
            case StartBurst:
                _bursts[++_nextBurst] = (subsystem, _policy.BeginBurst(nowMs));
                return new BurstStarted(_nextBurst);
            case EnlistInBurst enlist when _bursts.TryGetValue(enlist.BurstId, out var burst) && burst.Owner == subsystem:
                _policy.Enlist(burst.Burst, _peers.KeyFor(enlist.Peer));
                return null;
            case EndBurst end when _bursts.TryGetValue(end.BurstId, out var burst) && burst.Owner == subsystem:
                _bursts.Remove(end.BurstId);
                _released.Clear();
                _policy.EndBurst(burst.Burst, nowMs, _released);
                // The connections the burst opened and nothing else uses end with it.
                CloseReleased(nowMs);
                return null;
            case LeaveBursts leave when _peers.TryGetKey(leave.Peer, out var key):
                _released.Clear();
                // The earliest burst last: the connection is released only if it opened after the burst the peer leaves last
                // began (burst ids grow with time), so leaving the one that opened it before a later one kept it open.
                foreach (int id in leave.BurstIds.OrderDescending())
                {
                    if (_bursts.TryGetValue(id, out var burst) && burst.Owner == subsystem) _policy.LeaveBurst(burst.Burst, key, nowMs, _released);
                }
                CloseReleased(nowMs);
                return new BurstLeft(leave.Peer, Closing: _released.Count > 0);
            case LeaveBursts leave:
                return new BurstLeft(leave.Peer, Closing: false);
            case LockPeer lockPeer:
                _policy.Lock(_peers.KeyFor(lockPeer.Peer), nowMs + (long)lockPeer.Duration.TotalMilliseconds, nowMs);
                return null;
            case ReportUseful useful when _peers.TryGetKey(useful.Peer, out var key):
                _policy.RecordSignal(key, useful.Signal, useful.Amount, nowMs);
                return null;
            default:
                return null;
        }
    }

    private void CloseReleased(long nowMs)
    {
        foreach (var key in _released) Close(key, TrimReason.FinishedBurst, ByeReason.Trimmed, [], nowMs);
    }
}
