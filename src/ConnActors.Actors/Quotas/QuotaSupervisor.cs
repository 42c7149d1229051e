using Akka.Actor;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Identity;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;

namespace ConnActors.Actors.Quotas;

/// <summary>
/// One per enrolled subsystem (dht, pubsub, app...). The subsystem's entry point for slots, bursts, locks
/// and usefulness reports; it keeps the subsystem's own view (the peers it holds, its running bursts,
/// its own scorer of those peers) and takes every decision to the manager, which arbitrates between
/// subsystems with the policy. At its maximum, a request that asks for it gives up the subsystem's least
/// useful peer (by the subsystem's own reports) for the new one.
/// </summary>
internal sealed class QuotaSupervisor : ReceiveActor
{
    private readonly SubsystemId _id;
    private readonly IActorRef _manager;
    private readonly IClock _clock;
    private readonly HashSet<PeerId> _held = new();
    private readonly HashSet<int> _bursts = new();
    private readonly SubsystemScorer<PeerId> _scorer;
    // Requests that may replace the least useful peer, and the peer given up for each.
    private readonly HashSet<PeerId> _mayReplace = new();
    private readonly Dictionary<PeerId, PeerId> _givenUpFor = new();

    public QuotaSupervisor(string name, SubsystemId id, IActorRef manager, ScoreSettings scoring, IClock clock)
    {
        Name = name;
        _id = id;
        _manager = manager;
        _clock = clock;
        _scorer = new SubsystemScorer<PeerId>(scoring);

        Receive<RequestSlot>(m =>
        {
            if (m.ReplaceLeastUseful) _mayReplace.Add(m.Peer);
            Forward(m with { ReplaceLeastUseful = false });
        });
        Receive<SubsystemReply>(OnReply);
        Receive<ReleaseSlot>(m =>
        {
            Forget(m.Peer);
            Forward(m);
        });
        Receive<StartBurst>(m => Forward(m));
        Receive<EnlistInBurst>(m =>
        {
            if (_bursts.Contains(m.BurstId)) Forward(m);
        });
        Receive<LeaveBursts>(m => Forward(m with { BurstIds = m.BurstIds.Where(_bursts.Contains).ToList() }));
        Receive<EndBurst>(m =>
        {
            if (_bursts.Remove(m.BurstId)) Forward(m);
        });
        Receive<LockPeer>(m => Forward(m));
        Receive<ReportUseful>(m =>
        {
            if (_held.Contains(m.Peer)) _scorer.Record(m.Peer, m.Signal, m.Amount, _clock.NowMs);
            Forward(m);
        });
        // Statements, not expressions: a handler returning bool tells Akka whether the message was handled.
        Receive<SlotReclaimed>(m => { Forget(m.Peer); });
        Receive<StreamClaimed>(m => { _held.Add(m.Peer); });
        Receive<GetHeldPeers>(_ => Sender.Tell(_held.ToList()));
        Receive<ClaimsReset>(_ =>
        {
            foreach (var peer in _held.ToList()) Forget(peer);
        });
        Receive<GetSubsystemPeers>(_ => Sender.Tell(new SubsystemPeers(
            _scorer.Rank(_held, _clock.NowMs).Select(r => new SubsystemPeer(r.Peer, r.Score)).ToList())));
    }

    public string Name { get; }

    public static Props Props(string name, SubsystemId id, IActorRef manager, ScoreSettings scoring, IClock clock) =>
        Akka.Actor.Props.Create(() => new QuotaSupervisor(name, id, manager, scoring, clock));

    // Replies come back through this actor so it learns what its subsystem holds, then go on to the asker.
    private void Forward(object request) => Forward(request, new IActorRefHolder(Sender));

    private void Forward(object request, IActorRefHolder replyTo) => _manager.Tell(new SubsystemRequest(_id, request, replyTo), Self);

    private void OnReply(SubsystemReply reply)
    {
        var answer = reply.Reply;
        switch (answer)
        {
            case SlotReply { Outcome: SlotOutcome.DeniedAtMaximum } denied when _mayReplace.Remove(denied.Peer) && LeastUsefulOtherThan(denied.Peer) is { } victim:
                Forget(victim);
                _givenUpFor[denied.Peer] = victim;
                Forward(new ReleaseSlot(victim), new IActorRefHolder(ActorRefs.Nobody));
                Forward(new RequestSlot(denied.Peer), reply.ReplyTo);
                return;
            case SlotReply slot:
                _mayReplace.Remove(slot.Peer);
                if (slot.Granted) _held.Add(slot.Peer);
                if (_givenUpFor.Remove(slot.Peer, out var givenUp)) answer = slot with { Replaced = givenUp };
                break;
            case BurstStarted burst:
                _bursts.Add(burst.BurstId);
                break;
        }
        reply.ReplyTo.Ref.Tell(answer);
    }

    private PeerId? LeastUsefulOtherThan(PeerId peer) =>
        _scorer.TryLeastUseful(_held.Where(p => !p.Equals(peer)), _clock.NowMs, out var least) ? least : null;

    private void Forget(PeerId peer)
    {
        _held.Remove(peer);
        _scorer.Forget(peer);
    }
}

/// <summary>An inbound stream of the subsystem's protocol claimed a slot on <paramref name="Peer"/> (manager to supervisor).</summary>
internal sealed record StreamClaimed(PeerId Peer);

/// <summary>The manager restarted and holds no claims any more: the supervisor forgets the peers it held.</summary>
internal sealed record ClaimsReset
{
    public static ClaimsReset Instance { get; } = new();
}

/// <summary>Asks a supervisor which peers its subsystem holds.</summary>
internal sealed record GetHeldPeers
{
    public static GetHeldPeers Instance { get; } = new();
}
