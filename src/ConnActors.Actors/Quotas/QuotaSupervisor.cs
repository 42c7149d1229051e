using Akka.Actor;
using ConnActors.Libp2p.Identity;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Quotas;

/// <summary>
/// One per enrolled subsystem (dht, pubsub, app...). The subsystem's entry point for slots, bursts, locks
/// and usefulness reports; it keeps the subsystem's own view (the peers it holds, its running bursts)
/// and takes every decision to the manager, which arbitrates between subsystems with the policy.
/// </summary>
internal sealed class QuotaSupervisor : ReceiveActor
{
    private readonly SubsystemId _id;
    private readonly IActorRef _manager;
    private readonly HashSet<PeerId> _held = new();
    private readonly HashSet<int> _bursts = new();

    public QuotaSupervisor(string name, SubsystemId id, IActorRef manager)
    {
        Name = name;
        _id = id;
        _manager = manager;

        Receive<RequestSlot>(m => Forward(m));
        Receive<SubsystemReply>(OnReply);
        Receive<ReleaseSlot>(m =>
        {
            _held.Remove(m.Peer);
            Forward(m);
        });
        Receive<StartBurst>(m => Forward(m));
        Receive<EnlistInBurst>(m =>
        {
            if (_bursts.Contains(m.BurstId)) Forward(m);
        });
        Receive<EndBurst>(m =>
        {
            if (_bursts.Remove(m.BurstId)) Forward(m);
        });
        Receive<LockPeer>(m => Forward(m));
        Receive<ReportUseful>(m => Forward(m));
        // Statements, not expressions: a handler returning bool tells Akka whether the message was handled.
        Receive<SlotReclaimed>(m => { _held.Remove(m.Peer); });
        Receive<StreamClaimed>(m => { _held.Add(m.Peer); });
        Receive<GetHeldPeers>(_ => Sender.Tell(_held.ToList()));
    }

    public string Name { get; }

    public static Props Props(string name, SubsystemId id, IActorRef manager) =>
        Akka.Actor.Props.Create(() => new QuotaSupervisor(name, id, manager));

    // Replies come back through this actor so it learns what its subsystem holds, then go on to the asker.
    private void Forward(object request) => _manager.Tell(new SubsystemRequest(_id, request, new IActorRefHolder(Sender)), Self);

    private void OnReply(SubsystemReply reply)
    {
        switch (reply.Reply)
        {
            case SlotReply { Granted: true } slot:
                _held.Add(slot.Peer);
                break;
            case BurstStarted burst:
                _bursts.Add(burst.BurstId);
                break;
        }
        reply.ReplyTo.Ref.Tell(reply.Reply);
    }
}

/// <summary>An inbound stream of the subsystem's protocol claimed a slot on <paramref name="Peer"/> (manager to supervisor).</summary>
internal sealed record StreamClaimed(PeerId Peer);

/// <summary>Asks a supervisor which peers its subsystem holds.</summary>
internal sealed record GetHeldPeers
{
    public static GetHeldPeers Instance { get; } = new();
}
