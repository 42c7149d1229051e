using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.TestKit.Xunit2;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Time;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>
/// The first lease request of a forming cluster (docs/cluster.md, "The share is a lease"). The allocator and the
/// Negotiator each hear the cluster's events in their own mailbox, and <c>Cluster.State</c> is updated by a third actor
/// from the same events: an allocator that read it refused its own node's first request, sent by the Negotiator on seeing
/// the node Up ("refused a lease request from akka://connactors: not a member of this cluster", in suite logs), and the
/// member waited a renew interval more for its share. This system never joins, so its <c>Cluster.State</c> never shows a
/// member: the events sent here are the only news the actors get, the state's lag at its extreme.
/// </summary>
public class LeaseAtFormationTests() : TestKit(TestMembers.Unjoined)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private Akka.Cluster.Cluster Node => Akka.Cluster.Cluster.Get(Sys);

    [Fact]
    public void The_allocator_answers_its_own_nodes_request_once_it_heard_the_node_is_up_whatever_Cluster_State_says()
    {
        var allocator = Sys.ActorOf(SiteAllocator.Props(TimeSpan.FromSeconds(1), ShareLeaseTimings.Default, SystemClock.Instance));
        allocator.Tell(LoadsOf(Node.SelfAddress));
        allocator.Tell(new ClusterEvent.MemberUp(MemberAt(Node.SelfUniqueAddress, MemberStatus.Up, upNumber: 1)));

        allocator.Tell(Request(echo: -1), TestActor);
        var probe = ExpectMsg<LeaseGranted>(Wait, "the allocator answered nothing: it refused its own node's request");
        Assert.True(probe.IsProbe); // not yet quorate: its stamp alone
        allocator.Tell(Request(echo: probe.AllocatorStampMs), TestActor);
        Assert.False(ExpectMsg<LeaseGranted>(Wait).IsProbe); // echoed by the only member: it renews

        Assert.Empty(Node.State.Members); // what the allocator used to read
    }

    [Fact]
    public void A_request_that_comes_before_the_allocator_heard_the_node_is_up_is_answered_once_it_has()
    {
        var allocator = Sys.ActorOf(SiteAllocator.Props(TimeSpan.FromSeconds(1), ShareLeaseTimings.Default, SystemClock.Instance));
        allocator.Tell(LoadsOf(Node.SelfAddress));

        // The Negotiator saw the MemberUp first and asked at once; the allocator's copy of the event is still queued.
        allocator.Tell(Request(echo: -1), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        allocator.Tell(new ClusterEvent.MemberUp(MemberAt(Node.SelfUniqueAddress, MemberStatus.Up, upNumber: 1)));

        Assert.True(ExpectMsg<LeaseGranted>(Wait, "the early request was dropped: the member waits a renew interval more").IsProbe);
    }

    [Fact]
    public void A_member_still_joining_asks_no_allocator_for_a_lease_and_asks_at_once_when_it_is_up()
    {
        var settings = new ConnActors.Actors.Cluster.ClusterSettings { Enabled = true, Site = "home", SiteBudget = 120, LeaseRenewInterval = TimeSpan.FromSeconds(2) };
        var negotiator = Sys.ActorOf(Negotiator.Props(settings, TimeSpan.FromSeconds(120), CreateTestProbe().Ref, SystemClock.Instance));
        // The oldest member, already Up, elsewhere: the allocator this member would ask. It has not heard of this member
        // until the gossip that makes it Up; before that it would refuse the request as a stranger's.
        var elsewhere = new UniqueAddress(new Address(Node.SelfAddress.Protocol, Node.SelfAddress.System, "127.0.0.1", 9), 9);
        negotiator.Tell(new ClusterEvent.MemberUp(MemberAt(elsewhere, MemberStatus.Up, upNumber: 1)));
        negotiator.Tell(new ClusterEvent.MemberJoined(MemberAt(Node.SelfUniqueAddress, MemberStatus.Joining, upNumber: int.MaxValue)));

        AwaitCondition(() => Sent(negotiator) == 0, Wait); // the events are taken
        ExpectNoMsg(TimeSpan.FromSeconds(4.5)); // two renew intervals
        Assert.Equal(0, Sent(negotiator));

        // At once, not at the next renewal (up to 2 s away): the sooner it asks, the sooner it has a share.
        negotiator.Tell(new ClusterEvent.MemberUp(MemberAt(Node.SelfUniqueAddress, MemberStatus.Up, upNumber: 2)));
        AwaitCondition(() => Sent(negotiator) > 0, TimeSpan.FromSeconds(1), "the member did not ask at once when it was Up");
    }

    private long Sent(IActorRef negotiator) =>
        negotiator.Ask<ClusterStatus>(GetClusterStatus.Instance, Wait).GetAwaiter().GetResult().Counters["messagesSent"];

    private static LeaseRequest Request(long echo) => new(SystemClock.Instance.NowMs, echo, -1, -1, 0, "home");

    private Changed LoadsOf(Address self) => TestMembers.LoadsOf(Node, self);

    private static Member MemberAt(UniqueAddress address, MemberStatus status, int upNumber) => TestMembers.At(address, status, upNumber);
}
