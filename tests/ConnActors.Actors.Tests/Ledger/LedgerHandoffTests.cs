using ConnActors.Actors.Ledger;
using ConnActors.Libp2p.Host;
using ConnActors.Actors.Quotas;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>A trim in a fleet hands its victims to the member with room: offered when the peer can be dialled, referred by the bye otherwise.</summary>
public class LedgerHandoffTests
{
    private const string SmallNode = "connactors.limits { hard-cap = 16, high-water = 12, low-water = 8 }\nconnactors.regulation.grace-period = 0s";

    private static readonly Multiaddr Member = Multiaddr.Parse("/ip4/10.9.0.1/tcp/4001").WithPeerId(PrivateKey.Generate().PeerId);

    [Fact]
    public void Trimmed_peers_are_offered_to_the_member_with_room_when_they_can_be_dialled_and_referred_by_the_bye_when_not()
    {
        var f = new LedgerFixture(SmallNode);
        f.Ledger.JoinFleet(handoff: true, dedup: true);
        f.Ledger.SetFleetView(new FleetView(new Dictionary<PeerId, Multiaddr>(), [new FleetTarget("akka.tcp://connactors@10.9.0.1:4053", Member, Headroom: 100, OpenSubsystems: [])]), f.Now);
        var identified = new HashSet<PeerId>();
        for (int i = 0; i < 14; i++)
        {
            var peer = PrivateKey.Generate().PeerId;
            var id = f.ConnectInbound(peer, i);
            if (i % 2 == 0)
            {
                Identify(f, id, i);
                identified.Add(peer);
            }
        }
        var effects = RegulateASecondLater(f);

        var byes = effects.OfType<ByeAndClose>().ToList();
        Assert.NotEmpty(byes);
        Assert.All(byes, bye => Assert.Equal(Member, bye.Bye.Alternatives[0]));
        var offers = effects.OfType<HandOff>().ToList();
        Assert.Equal(byes.Count(b => identified.Contains(b.Peer)), offers.Count);
        Assert.All(offers, offer =>
        {
            Assert.Contains(offer.Peer, identified);
            Assert.Equal(offer.Peer, Assert.Single(offer.Addresses).PeerId);
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_peer_held_for_pubsub_is_handed_to_the_member_with_a_free_pubsub_slot_and_an_unheld_one_to_the_member_with_most_room(bool heldForPubsub)
    {
        var f = new LedgerFixture(SmallNode + "\nconnactors.quotas.pubsub { reserved = \"0\", maximum = \"100%\" }");
        f.Ledger.JoinFleet(handoff: true, dedup: true);
        var roomy = new FleetTarget("akka.tcp://connactors@10.9.0.1:4053", Member, Headroom: 100, OpenSubsystems: ["dht"]);
        var withPubsubRoom = new FleetTarget("akka.tcp://connactors@10.9.0.2:4053", Multiaddr.Parse("/ip4/10.9.0.2/tcp/4001").WithPeerId(PrivateKey.Generate().PeerId),
            Headroom: 20, OpenSubsystems: ["pubsub", "dht"]);
        f.Ledger.SetFleetView(new FleetView(new Dictionary<PeerId, Multiaddr>(), [roomy, withPubsubRoom]), f.Now);
        var pubsub = f.Ledger.Policy.Quotas.Find("pubsub") ?? throw new InvalidOperationException("no pubsub quota");
        for (int i = 0; i < 14; i++)
        {
            var peer = PrivateKey.Generate().PeerId;
            Identify(f, f.ConnectInbound(peer, i), i);
            if (heldForPubsub) Assert.True(Assert.IsType<SlotReply>(f.Ledger.Subsystem(pubsub, new RequestSlot(peer), f.Now)).Granted);
        }
        var offers = RegulateASecondLater(f).OfType<HandOff>().ToList();
        Assert.NotEmpty(offers);
        Assert.All(offers, offer => Assert.Equal(heldForPubsub ? withPubsubRoom.Member : roomy.Member, offer.Target.Member));
    }

    [Fact]
    public void A_trimmed_peer_another_member_holds_is_not_handed_off_and_its_bye_names_the_holder()
    {
        var f = new LedgerFixture(SmallNode);
        f.Ledger.JoinFleet(handoff: true, dedup: false); // with dedup the duplicates would be steered at once, before any trim
        var holder = Multiaddr.Parse("/ip4/10.9.0.3/tcp/4001").WithPeerId(PrivateKey.Generate().PeerId);
        var peers = Enumerable.Range(0, 14).Select(_ => PrivateKey.Generate().PeerId).ToList();
        f.Ledger.SetFleetView(new FleetView(peers.ToDictionary(p => p, _ => holder), [new FleetTarget("akka.tcp://connactors@10.9.0.1:4053", Member, Headroom: 100, OpenSubsystems: [])]), f.Now);
        for (int i = 0; i < peers.Count; i++) Identify(f, f.ConnectInbound(peers[i], i), i);
        var effects = RegulateASecondLater(f);

        var byes = effects.OfType<ByeAndClose>().ToList();
        Assert.NotEmpty(byes);
        Assert.All(byes, bye => Assert.Equal(holder, bye.Bye.Alternatives[0]));
        Assert.Empty(effects.OfType<HandOff>());
    }

    [Fact]
    public void An_inbound_peer_that_came_before_the_view_said_another_member_keeps_it_is_steered_when_the_view_does()
    {
        var f = new LedgerFixture(SmallNode);
        f.Ledger.JoinFleet(handoff: false, dedup: true);
        var holder = Multiaddr.Parse("/ip4/10.9.0.3/tcp/4001").WithPeerId(PrivateKey.Generate().PeerId);
        var duplicate = PrivateKey.Generate().PeerId;
        var ours = PrivateKey.Generate().PeerId;
        Identify(f, f.ConnectInbound(duplicate, 0), 0);
        Identify(f, f.ConnectInbound(ours, 1), 1);
        Assert.Empty(f.TakeEffects().OfType<ByeAndClose>()); // nobody else holds them yet

        var held = new Dictionary<PeerId, Multiaddr> { [duplicate] = holder };
        f.Ledger.SetFleetView(new FleetView(held, []), f.Now);
        var bye = Assert.Single(f.TakeEffects().OfType<ByeAndClose>());
        Assert.Equal(holder, bye.Bye.Alternatives[0]);
        Assert.Equal(duplicate, bye.Peer);

        f.Ledger.SetFleetView(new FleetView(held, []), f.Now); // the next view steers it no second time
        Assert.Empty(f.TakeEffects().OfType<ByeAndClose>());
    }

    // The inbound peer on connection <paramref name="id"/> announces a listen address, so that it can be dialled.
    private static void Identify(LedgerFixture f, ConnectionId id, int host) =>
        f.Ledger.Identified(id, [Multiaddr.Parse($"/ip4/10.1.0.{host + 1}/tcp/4001")], []);

    // Drops what connecting produced, then runs the regulation a second later (past the grace period of 0 s) and returns its effects.
    private static List<LedgerEffect> RegulateASecondLater(LedgerFixture f)
    {
        f.TakeEffects();
        f.Now += 1_000;
        f.Ledger.Regulate(f.Now, workingSetBytes: 0);
        return f.TakeEffects();
    }
}
