using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Ledger;

namespace ConnActors.Actors.Manager;

// The manager as a member of a fleet: its Negotiator sets its share of the site budget, tells it what the
// fleet holds and who has room, shares penalties, and carries out handoffs.
public sealed partial class ConnectionManager
{
    private IActorRef? _negotiator;
    private (int HardCap, int Grant, long LeaseFromMs) _publishedShare = (-1, -1, long.MinValue);

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
            if (_publishedShare.HardCap < 0) _publishedShare = (_ledger.HardCap, _ledger.Grant, _ledger.LeaseFromMs);
            int granted = _ledger.SetShare(m.Cap, Now);
            PublishShare(granted: true);
            Perform();
            Sender.Tell(new HardCapApplied(granted));
        });
        Receive<RenewShareLease>(m =>
        {
            _ledger.RenewLease(m.RequestedAtMs, m.Bound, Now);
            PublishShare();
            Perform();
        });
        Receive<GetLoadSample>(_ => Sender.Tell(new LoadSample(_ledger.Load(maxHeldPeers: Cluster.FleetLoad.MaxHeldPeers, Now), Host.PeerId.ToString(),
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

    // Logs and streams a change of the cap in force, and publishes every change of the grant or its lease (with
    // them, the cap in force at any later moment is known without this actor running: HardCapChanged.InForceAt).
    private void PublishShare(bool granted = false)
    {
        if (_ledger.LeaseTimings is null && !granted) return;
        var share = (_ledger.HardCap, _ledger.Grant, _ledger.LeaseFromMs);
        if (share == _publishedShare) return;
        if (share.HardCap != _publishedShare.HardCap) _log.Info("share of the site budget: hard cap {0} (was {1})", share.HardCap, _publishedShare.HardCap);
        _publishedShare = share;
        long ticks = System.Diagnostics.Stopwatch.GetTimestamp();
        var changed = new HardCapChanged(share.HardCap, ticks) { Grant = share.Grant };
        if (_ledger.LeaseTimings is { } lease)
        {
            long now = Now;
            changed = changed with
            {
                Floor = _ledger.LeaseFloor,
                GrantUntil = TicksAt(ticks, now, share.LeaseFromMs + lease.LengthMs),
                FloorUntil = TicksAt(ticks, now, share.LeaseFromMs + lease.FloorLengthMs),
            };
        }
        Context.System.EventStream.Publish(changed);
    }

    private static long TicksAt(long ticksNow, long nowMs, long atMs) =>
        ticksNow + (long)((atMs - nowMs) * (double)System.Diagnostics.Stopwatch.Frequency / 1000);

    private void Perform(HandOff e) => _negotiator?.Tell(new OfferHandoff(e.Peer, e.Addresses, e.Target));

    private void Perform(SharePenalty e) => _negotiator?.Tell(new PublishPenalty(e.Peer, e.Value, e.LastUpdateMs, e.RetainUntilMs));
}
