using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit.Xunit2;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Tests.Store;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>
/// A grow the lease book holds back (docs/cluster.md, "When a member dies"): the allocator split while quorate, but by the
/// time every shrink was acknowledged a quorum's echoes were older than the quorum window (a loaded machine), so it may not
/// grow anyone yet. It used to wait for <c>ResendAfter</c> (2 s) and a tick: after a kill -9 at load 40 the survivors got
/// the dead allocator's share 2.85 s after the round that gave it to them (11.9 s after the kill). Now the renewal that
/// shows the book may act again sends it. The allocator's periodic tick is an hour here, so only that renewal can.
/// </summary>
public class HeldGrowTests() : TestKit(TestMembers.Unjoined)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private Akka.Cluster.Cluster Node => Akka.Cluster.Cluster.Get(Sys);

    [Fact]
    public void A_grow_held_back_for_want_of_a_quorum_goes_out_with_the_next_renewal()
    {
        var clock = new SettableClock();
        Sys.ActorOf(Props.Create(() => new Forward(TestActor)), Negotiator.Name); // where the allocator sends proposals
        var allocator = Sys.ActorOf(SiteAllocator.Props(TimeSpan.FromHours(1), ShareLeaseTimings.Default, clock));
        allocator.Tell(TestMembers.LoadsOf(Node, Node.SelfAddress));
        allocator.Tell(new ClusterEvent.MemberUp(TestMembers.At(Node.SelfUniqueAddress, MemberStatus.Up, 1)));

        allocator.Tell(Request(clock, echo: -1), TestActor);
        var probe = ExpectMsg<LeaseGranted>(Wait);
        Assert.True(probe.IsProbe);
        allocator.Tell(Request(clock, echo: probe.AllocatorStampMs), TestActor); // quorate: renewed, and the split begins
        var shrink = FishForMessage<ShareProposal>(_ => true, Wait, "no round began");
        Assert.True(shrink.Shrink);

        clock.Advance(TimeSpan.FromMilliseconds(ShareLeaseTimings.Default.QuorumWindowMs + 1)); // the echo is now too old
        allocator.Tell(new ShareApplied(shrink.Version, Node.SelfAddress.ToString(), shrink.Cap, Shrink: true), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // the grow is held back: not quorate

        allocator.Tell(Request(clock, echo: probe.AllocatorStampMs), TestActor); // a stale echo: a probe, nothing renewed
        var fresh = ExpectMsg<LeaseGranted>(Wait);
        Assert.True(fresh.IsProbe);
        allocator.Tell(Request(clock, echo: fresh.AllocatorStampMs), TestActor); // quorate again: renewed
        Assert.False(ExpectMsg<LeaseGranted>(Wait).IsProbe);
        var grow = ExpectMsg<ShareProposal>(TimeSpan.FromSeconds(1), "the held grow waited for the resend and a tick");
        Assert.False(grow.Shrink);
        Assert.Equal(120, grow.Cap);
    }

    private static LeaseRequest Request(SettableClock clock, long echo) => new(clock.NowMs, echo, -1, -1, 0, "home");

    private sealed class Forward : ReceiveActor
    {
        public Forward(IActorRef to) => ReceiveAny(m => to.Forward(m));
    }
}
