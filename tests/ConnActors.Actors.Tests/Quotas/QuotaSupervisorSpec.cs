using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Time;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;

namespace ConnActors.Actors.Tests.Quotas;

public sealed class QuotaSupervisorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly SubsystemId Dht = new(3);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly TestProbe _manager;
    private readonly TestProbe _subsystem;
    private readonly IActorRef _supervisor;

    public QuotaSupervisorSpec(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
        _manager = CreateTestProbe("manager");
        _subsystem = CreateTestProbe("subsystem");
        _supervisor = Sys.ActorOf(QuotaSupervisor.Props("dht", Dht, _manager.Ref, ScoreSettings.Default, SystemClock.Instance));
    }

    [Fact]
    public void A_request_reaches_the_manager_with_the_subsystem_and_the_asker()
    {
        var request = new RequestSlot(PrivateKey.Generate().PeerId);

        _subsystem.Send(_supervisor, request);

        var forwarded = _manager.ExpectMsg<SubsystemRequest>();
        Assert.Equal(Dht, forwarded.Subsystem);
        Assert.Equal(request, forwarded.Request);
        Assert.Equal(_subsystem.Ref, forwarded.ReplyTo.Ref);
        Assert.Equal(_supervisor, _manager.LastSender);
    }

    [Fact]
    public void Locks_usefulness_reports_and_releases_are_forwarded_to_the_manager()
    {
        var peer = PrivateKey.Generate().PeerId;
        object[] requests = [new LockPeer(peer, TimeSpan.FromMinutes(1)), new ReportUseful(peer, UsefulnessSignal.StreamOpened), new ReleaseSlot(peer)];

        foreach (var request in requests) _subsystem.Send(_supervisor, request);

        foreach (var request in requests) Assert.Equal(request, _manager.ExpectMsg<SubsystemRequest>().Request);
    }

    [Fact]
    public void The_managers_reply_goes_back_to_the_original_asker()
    {
        var peer = PrivateKey.Generate().PeerId;
        var forwarded = RequestSlot(peer);

        var reply = new SlotReply(peer, SlotOutcome.DeniedNoCapacity);
        _supervisor.Tell(new SubsystemReply(reply, forwarded.ReplyTo), _manager.Ref);

        Assert.Equal(reply, _subsystem.ExpectMsg<SlotReply>());
        _manager.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task A_granted_slot_is_held_and_a_denied_one_is_not()
    {
        var granted = PeerAnswered(SlotOutcome.Granted);
        PeerAnswered(SlotOutcome.DeniedAtMaximum);

        Assert.Equal([granted], await HeldAsync());
    }

    [Fact]
    public async Task A_released_or_reclaimed_peer_is_no_longer_held()
    {
        var released = PeerAnswered(SlotOutcome.Borrowed);
        var reclaimed = PeerAnswered(SlotOutcome.GrantedAfterReclaim);
        Assert.Equal(2, (await HeldAsync()).Count);

        _subsystem.Send(_supervisor, new ReleaseSlot(released));
        _supervisor.Tell(new SlotReclaimed(reclaimed), _manager.Ref);

        Assert.Empty(await HeldAsync());
    }

    [Fact]
    public async Task A_stream_claimed_by_the_subsystem_makes_its_peer_held()
    {
        var peer = PrivateKey.Generate().PeerId;

        _supervisor.Tell(new StreamClaimed(peer), _manager.Ref);

        Assert.Equal([peer], await HeldAsync());
        _manager.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task Claims_and_reclaims_are_handled_whether_or_not_the_peer_is_held_already()
    {
        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe(unhandled.Ref, typeof(UnhandledMessage));
        var peer = PrivateKey.Generate().PeerId;

        _supervisor.Tell(new StreamClaimed(peer));
        _supervisor.Tell(new StreamClaimed(peer));
        _supervisor.Tell(new SlotReclaimed(peer));
        _supervisor.Tell(new SlotReclaimed(peer));

        Assert.Empty(await HeldAsync());
        unhandled.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task At_its_maximum_a_replacing_request_gives_up_the_least_useful_peer_and_asks_again()
    {
        var useful = PeerAnswered(SlotOutcome.Granted);
        var idle = PeerAnswered(SlotOutcome.Granted);
        _subsystem.Send(_supervisor, new ReportUseful(useful, UsefulnessSignal.SuccessfulQuery, 3));
        _manager.ExpectMsg<SubsystemRequest>();
        var newcomer = PrivateKey.Generate().PeerId;

        _subsystem.Send(_supervisor, new RequestSlot(newcomer, ReplaceLeastUseful: true));
        var first = _manager.ExpectMsg<SubsystemRequest>();
        _supervisor.Tell(new SubsystemReply(new SlotReply(newcomer, SlotOutcome.DeniedAtMaximum), first.ReplyTo), _manager.Ref);

        Assert.Equal(new ReleaseSlot(idle), _manager.ExpectMsg<SubsystemRequest>().Request);
        var again = _manager.ExpectMsg<SubsystemRequest>();
        Assert.Equal(new RequestSlot(newcomer), again.Request);
        _subsystem.ExpectNoMsg(Quiet);
        _supervisor.Tell(new SubsystemReply(new SlotReply(newcomer, SlotOutcome.Granted), again.ReplyTo), _manager.Ref);

        Assert.Equal(new SlotReply(newcomer, SlotOutcome.Granted, Replaced: idle), _subsystem.ExpectMsg<SlotReply>());
        Assert.Equal(new HashSet<PeerId> { useful, newcomer }, (await HeldAsync()).ToHashSet());
    }

    [Fact]
    public void At_its_maximum_a_plain_request_is_denied_and_nothing_is_given_up()
    {
        PeerAnswered(SlotOutcome.Granted);
        var newcomer = PrivateKey.Generate().PeerId;

        var forwarded = RequestSlot(newcomer);
        _supervisor.Tell(new SubsystemReply(new SlotReply(newcomer, SlotOutcome.DeniedAtMaximum), forwarded.ReplyTo), _manager.Ref);

        Assert.Equal(new SlotReply(newcomer, SlotOutcome.DeniedAtMaximum), _subsystem.ExpectMsg<SlotReply>());
        _manager.ExpectNoMsg(Quiet);
    }

    [Fact]
    public async Task The_subsystems_peers_are_ranked_by_its_own_reports_least_useful_first()
    {
        var busy = PeerAnswered(SlotOutcome.Granted);
        var quiet = PeerAnswered(SlotOutcome.Granted);
        var unheld = PrivateKey.Generate().PeerId;
        foreach (var peer in new[] { busy, unheld })
        {
            _subsystem.Send(_supervisor, new ReportUseful(peer, UsefulnessSignal.FirstDelivery, 4));
            _manager.ExpectMsg<SubsystemRequest>();
        }

        var ranked = (await _supervisor.Ask<SubsystemPeers>(GetSubsystemPeers.Instance, TimeSpan.FromSeconds(5))).Peers;

        Assert.Equal([quiet, busy], ranked.Select(p => p.Peer));
        Assert.Equal(0, ranked[0].Usefulness);
        Assert.True(ranked[1].Usefulness > 0);
    }

    [Fact]
    public void Enlisting_in_or_ending_an_unknown_burst_is_not_forwarded()
    {
        _subsystem.Send(_supervisor, new EnlistInBurst(42, PrivateKey.Generate().PeerId));
        _subsystem.Send(_supervisor, new EndBurst(42));

        _manager.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_burst_started_through_the_manager_is_forwarded_until_it_ends()
    {
        var peer = PrivateKey.Generate().PeerId;
        _subsystem.Send(_supervisor, StartBurst.Instance);
        var start = _manager.ExpectMsg<SubsystemRequest>();
        Assert.Equal(StartBurst.Instance, start.Request);
        _supervisor.Tell(new SubsystemReply(new BurstStarted(42), start.ReplyTo), _manager.Ref);
        Assert.Equal(new BurstStarted(42), _subsystem.ExpectMsg<BurstStarted>());

        _subsystem.Send(_supervisor, new EnlistInBurst(42, peer));
        Assert.Equal(new EnlistInBurst(42, peer), _manager.ExpectMsg<SubsystemRequest>().Request);
        _subsystem.Send(_supervisor, new EndBurst(42));
        Assert.Equal(new EndBurst(42), _manager.ExpectMsg<SubsystemRequest>().Request);

        _subsystem.Send(_supervisor, new EnlistInBurst(42, peer));
        _manager.ExpectNoMsg(Quiet);
    }

    private SubsystemRequest RequestSlot(PeerId peer)
    {
        _subsystem.Send(_supervisor, new RequestSlot(peer));
        return _manager.ExpectMsg<SubsystemRequest>();
    }

    /// <summary>A new peer whose slot request the manager answered with <paramref name="outcome"/>.</summary>
    private PeerId PeerAnswered(SlotOutcome outcome)
    {
        var peer = PrivateKey.Generate().PeerId;
        _supervisor.Tell(new SubsystemReply(new SlotReply(peer, outcome), RequestSlot(peer).ReplyTo), _manager.Ref);
        _subsystem.ExpectMsg<SlotReply>();
        return peer;
    }

    private Task<List<PeerId>> HeldAsync() => _supervisor.Ask<List<PeerId>>(GetHeldPeers.Instance, TimeSpan.FromSeconds(5));
}
