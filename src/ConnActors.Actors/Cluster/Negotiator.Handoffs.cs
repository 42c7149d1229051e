using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Manager;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Cluster;

// Handoffs: a member that must trim offers the peers to the member with room; that member dials them through
// its manager's query dials and answers whether the peer is connected.
public sealed partial class Negotiator
{
    private void Offer(OfferHandoff offer)
    {
        if (!ActorPath.TryParseAddress(offer.Target.Member, out var address)) return;
        NegotiatorOf(address).Tell(new HandoffOffer(offer.Peer.ToString(), offer.Addresses.Select(a => a.ToString()).ToList(), _members.Self));
        _counters.HandoffsOffered++;
        _counters.Sent++;
    }

    private void TakeOffer(HandoffOffer offer)
    {
        if (!FromMember("handoff offer")) return;
        var addresses = (offer.Addresses ?? []).Take(HandoffChoice.MaxOfferedAddresses).Select(a => Multiaddr.TryParse(a, out var m) ? m : null).OfType<Multiaddr>().ToList();
        if (!PeerId.TryParse(offer.PeerId, out var peer) || addresses.Count == 0)
        {
            Sender.Tell(new HandoffAnswer(offer.PeerId, false, false, "no address to dial"));
            return;
        }
        if (!HandoffChoice.MayTakeOffer(_pendingOffers.Count, _pendingOffers.ContainsKey(peer!)))
        {
            Sender.Tell(new HandoffAnswer(offer.PeerId, false, false, $"{HandoffChoice.MaxPendingOffers} offers are being dialed already"));
            return;
        }
        _pendingOffers[peer!] = Sender;
        Sender.Tell(new HandoffAnswer(offer.PeerId, true, false, null));
        _manager.Tell(new DialForQuery(peer!, addresses));
        Timers.StartSingleTimer($"offer-{peer}", new OfferExpired(peer!), TimeSpan.FromSeconds(30));
        _counters.HandoffsTaken++;
    }

    private readonly Dictionary<PeerId, IActorRef> _pendingOffers = new();

    private void DialedForFleet(DialOutcome outcome)
    {
        if (!_pendingOffers.Remove(outcome.Peer, out var from)) return;
        Timers.Cancel($"offer-{outcome.Peer}");
        from.Tell(new HandoffAnswer(outcome.Peer.ToString(), true, outcome.Connection is not null, outcome.Failure));
        _counters.Sent++;
    }

    private void Answered(HandoffAnswer answer)
    {
        if (!FromMember("handoff answer")) return;
        if (answer.Completed) _counters.HandoffsCompleted++;
        else if (answer.Accepted && answer.Reason is null) _counters.HandoffsAccepted++;
        else
        {
            _counters.HandoffsFailed++;
            _log.Info("handoff of {0} to {1} failed: {2}", answer.PeerId, Sender.Path.Address, answer.Reason ?? "refused");
        }
    }

    private sealed record OfferExpired(PeerId Peer);
}
