using Akka.Actor;
using ConnActors.Actors.Quotas;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    private readonly Dictionary<int, (SubsystemId Owner, Policy.Bursts.BurstId Burst)> _bursts = new();
    private int _nextBurst;

    private void ReceiveSubsystemRequests() => Receive<SubsystemRequest>(OnSubsystemRequest);

    private void OnSubsystemRequest(SubsystemRequest request)
    {
        long now = Now;
        object? reply = null;
        switch (request.Request)
        {
            case RequestSlot slot:
            {
                var key = _keys.KeyFor(slot.Peer);
                var decision = _policy.RequestSlot(request.Subsystem, key, now);
                if (decision.HasVictim) Reclaim(decision.Victim);
                reply = new SlotReply(slot.Peer, decision.Outcome);
                break;
            }
            case ReleaseSlot release when _keys.TryGetKey(release.Peer, out var key):
                _policy.ReleaseSlot(request.Subsystem, key, now);
                break;
            case StartBurst:
            {
                int id = ++_nextBurst;
                _bursts[id] = (request.Subsystem, _policy.BeginBurst());
                reply = new BurstStarted(id);
                break;
            }
            case EnlistInBurst enlist when _bursts.TryGetValue(enlist.BurstId, out var burst) && burst.Owner == request.Subsystem:
                _policy.Enlist(burst.Burst, _keys.KeyFor(enlist.Peer));
                break;
            case EndBurst end when _bursts.Remove(end.BurstId, out var burst):
                _policy.EndBurst(burst.Burst, now);
                break;
            case LockPeer lockPeer:
                _policy.Lock(_keys.KeyFor(lockPeer.Peer), now + (long)lockPeer.Duration.TotalMilliseconds, now);
                break;
            case ReportUseful useful when _keys.TryGetKey(useful.Peer, out var key):
                _policy.RecordSignal(key, useful.Signal, useful.Amount, now);
                break;
        }
        if (reply is not null) Sender.Tell(new SubsystemReply(reply, request.ReplyTo));
    }

    /// <summary>The supervisor of a subsystem, by name (for the node's subsystems and tests).</summary>
    private IActorRef? SupervisorOf(string name) =>
        _policy.Quotas.Find(name) is { } id && _supervisors.TryGetValue(id, out var supervisor) ? supervisor : null;
}
