using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Ledger;

namespace ConnActors.Actors.Manager;

// The manager as a member of a fleet: its Negotiator sets its share of the site budget, tells it what the
// fleet holds and who has room, shares penalties, and carries out handoffs.
public sealed partial class ConnectionManager
{
    private IActorRef? _negotiator;

    private void ReceiveFleet()
    {
        Receive<AttachNegotiator>(m =>
        {
            _negotiator = m.Negotiator;
            _ledger.JoinFleet(_settings.Cluster.Handoff, _settings.Cluster.Dedup);
            // Penalties recorded here before (restored from the peer store) are the fleet's too.
            foreach (var (peer, penalty) in _ledger.RetainedPenalties(Now))
                m.Negotiator.Tell(new PublishPenalty(peer, penalty.Value, penalty.LastUpdateMs, penalty.RetainUntilMs));
        });
        Receive<SetHardCap>(m =>
        {
            int previous = _ledger.HardCap;
            int applied = _ledger.SetShare(m.Cap, Now);
            if (applied != previous)
            {
                _log.Info("share of the site budget: hard cap {0} (was {1})", applied, previous);
                Context.System.EventStream.Publish(new HardCapChanged(applied, System.Diagnostics.Stopwatch.GetTimestamp()));
            }
            Perform();
            Sender.Tell(new HardCapApplied(applied));
        });
        Receive<GetLoadSample>(_ => Sender.Tell(new LoadSample(_ledger.Load(maxHeldPeers: 4_096, Now), Host.PeerId.ToString(),
            Host.ListenAddresses.Select(a => a.WithPeerId(Host.PeerId).ToString()).ToList())));
        Receive<FleetFriend>(m =>
        {
            if (m.Add) _ledger.AddFriend(m.Address, Now, FriendOrigin.Fleet);
            else _ledger.RemoveFriend(m.Address.PeerId!, Now, FriendOrigin.Fleet);
            Perform();
        });
        Receive<UpdateFleetView>(m =>
        {
            _ledger.SetFleetView(m.View, Now);
            Perform();
        });
        Receive<MergeSharedPenalty>(m =>
        {
            _ledger.MergeSharedPenalty(m.Peer, m.Value, m.LastUpdateMs, m.RetainUntilMs, Now);
            Perform();
        });
    }

    private void Perform(HandOff e) => _negotiator?.Tell(new OfferHandoff(e.Peer, e.Addresses, e.Target));

    private void Perform(SharePenalty e) => _negotiator?.Tell(new PublishPenalty(e.Peer, e.Value, e.LastUpdateMs, e.RetainUntilMs));
}
