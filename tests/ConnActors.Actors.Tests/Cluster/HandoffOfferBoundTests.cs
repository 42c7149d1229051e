using Akka.TestKit.Xunit2;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Time;
using ConnActors.Policy.Fleet;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>
/// Offers a member takes wait for their dial with a timer each: a member that offers without end (a faulty or hostile one)
/// gets at most <see cref="HandoffChoice.MaxPendingOffers"/> taken at once, each dialed at no more than
/// <see cref="HandoffChoice.MaxOfferedAddresses"/> addresses.
/// </summary>
public class HandoffOfferBoundTests() : TestKit(TestMembers.Unjoined)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Offers_past_the_bound_are_refused_until_a_dial_ends()
    {
        var manager = CreateTestProbe();
        var settings = new ClusterSettings { Enabled = true, Handoff = true };
        var negotiator = Sys.ActorOf(Negotiator.Props(settings, TimeSpan.FromSeconds(120), manager.Ref, SystemClock.Instance));
        var addresses = Enumerable.Range(0, 100).Select(i => $"/ip4/10.0.{i / 250}.{i % 250 + 1}/tcp/4001").ToList();
        var peers = Enumerable.Range(0, HandoffChoice.MaxPendingOffers + 1).Select(_ => PrivateKey.Generate().PeerId).ToList();

        foreach (var peer in peers) negotiator.Tell(new HandoffOffer(peer.ToString(), addresses, "test"), TestActor);

        var answers = ReceiveN(peers.Count, Wait).Cast<HandoffAnswer>().ToList();
        Assert.Equal(HandoffChoice.MaxPendingOffers, answers.Count(a => a.Accepted));
        var refused = Assert.Single(answers, a => !a.Accepted);
        Assert.Equal(peers[^1].ToString(), refused.PeerId);
        Assert.Contains("offers are being dialed already", refused.Reason);
        var dials = DialsTo(manager, HandoffChoice.MaxPendingOffers);
        Assert.Equal(HandoffChoice.MaxPendingOffers, dials.Count);
        Assert.All(dials, d => Assert.Equal(HandoffChoice.MaxOfferedAddresses, d.Addresses.Count));

        // One dial ends: one more offer is taken.
        negotiator.Tell(new DialOutcome(dials[0].Peer, null, "refused"), manager.Ref);
        ExpectMsg<HandoffAnswer>(a => a.PeerId == dials[0].Peer.ToString() && !a.Completed, Wait);
        negotiator.Tell(new HandoffOffer(peers[^1].ToString(), addresses, "test"), TestActor);
        Assert.True(ExpectMsg<HandoffAnswer>(Wait).Accepted);
    }

    // The dials the Negotiator asked its manager for (it also tells the manager other things, such as that it is attached).
    private static List<DialForQuery> DialsTo(Akka.TestKit.TestProbe manager, int expected)
    {
        var dials = new List<DialForQuery>();
        for (int received = 0; dials.Count < expected && received < expected + 100; received++)
        {
            if (manager.ReceiveOne(Wait) is not { } message) break;
            if (message is DialForQuery dial) dials.Add(dial);
        }
        return dials;
    }
}
