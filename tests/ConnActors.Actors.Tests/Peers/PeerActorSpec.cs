using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using ConnActors.Actors.Bye;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Peers;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Protocols;
using ConnActors.Policy;
using ConnActors.Policy.Politeness;
using ConnActors.Policy.Trimming;
using Xunit.Abstractions;

namespace ConnActors.Actors.Tests.Peers;

public sealed class PeerActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PeerKey Key = new(7);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);

    // Reconnect n (0-based) waits in [minimum, base] = [300, 400] * 2^n ms.
    private static readonly BackoffSettings Reconnect = new() { InitialMs = 400, Factor = 2, CapMs = 5_000, Jitter = 0.25 };

    private readonly TestProbe _manager;

    public PeerActorSpec(ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
        _manager = CreateTestProbe("manager");
    }

    [Fact]
    public async Task Identify_tells_whether_the_peer_speaks_bye_and_is_handled_either_way()
    {
        await using var host = await StartHostAsync(listen: false);
        var peer = Spawn(PrivateKey.Generate().PeerId, host);
        var unhandled = CreateTestProbe();
        Sys.EventStream.Subscribe(unhandled.Ref, typeof(UnhandledMessage));

        peer.Tell(new PeerIdentified(new IdentifyInfo { Protocols = ["/ipfs/id/1.0.0", ByeCodec.ProtocolId] }));
        Assert.True((await StateAsync(peer)).SpeaksBye);
        peer.Tell(new PeerIdentified(new IdentifyInfo { Protocols = ["/ipfs/id/1.0.0"] }));
        Assert.False((await StateAsync(peer)).SpeaksBye);

        unhandled.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Streams_are_counted_by_protocol_as_they_open_and_close()
    {
        await using var host = await StartHostAsync(listen: false);
        var peer = Spawn(PrivateKey.Generate().PeerId, host);

        peer.Tell(new PeerStreamOpened("/a"));
        peer.Tell(new PeerStreamOpened("/a"));
        peer.Tell(new PeerStreamOpened("/b"));
        peer.Tell(new PeerStreamClosed("/a"));
        peer.Tell(new PeerStreamClosed(null));
        peer.Tell(new PeerStreamClosed("/never-opened"));
        var state = await StateAsync(peer);
        Assert.Equal(new Dictionary<string, int> { ["/a"] = 1, ["/b"] = 1 }, state.StreamsByProtocol);

        peer.Tell(new PeerStreamClosed("/b"));
        Assert.Equal(new Dictionary<string, int> { ["/a"] = 1 }, (await StateAsync(peer)).StreamsByProtocol);
    }

    [Fact]
    public async Task A_non_friend_without_connection_told_to_stop_being_a_friend_reports_itself_idle()
    {
        await using var host = await StartHostAsync(listen: false);
        var peer = Spawn(PrivateKey.Generate().PeerId, host);

        peer.Tell(StopBeingFriend.Instance);

        Assert.Equal(Key, _manager.ExpectMsg<PeerIdle>(Generous).Key);
    }

    [Fact]
    public async Task A_non_friend_without_connection_whose_dial_failed_reports_itself_idle()
    {
        await using var host = await StartHostAsync(listen: false);
        var peer = Spawn(PrivateKey.Generate().PeerId, host);

        peer.Tell(new PeerDialFailed("unreachable"));

        Assert.Equal(Key, _manager.ExpectMsg<PeerIdle>(Generous).Key);
        Assert.Equal(0, (await StateAsync(peer)).ReconnectFailures);
    }

    [Fact]
    public async Task A_friend_with_no_connection_asks_the_manager_to_dial_it_at_once_with_friend_priority()
    {
        await using var host = await StartHostAsync(listen: false);
        var remote = PrivateKey.Generate().PeerId;
        var addresses = new[] { Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001") };
        var peer = Spawn(remote, host);

        peer.Tell(new BecomeFriend(addresses));

        var dial = _manager.ExpectMsg<DialPeer>(Generous);
        Assert.Equal(remote, dial.Peer);
        Assert.Equal(addresses, dial.Addresses);
        Assert.Equal(DialPriority.Friend, dial.Priority);
        Assert.True((await StateAsync(peer)).IsFriend);
    }

    [Fact]
    public async Task Each_failed_dial_of_a_friend_counts_a_failure_and_waits_longer_before_the_next_dial()
    {
        await using var host = await StartHostAsync(listen: false);
        var peer = SpawnFriendWhoseFirstDialWasAsked(host);

        for (int failure = 1; failure <= 3; failure++)
        {
            var sent = System.Diagnostics.Stopwatch.StartNew();
            peer.Tell(new PeerDialFailed("unreachable"));
            Assert.Equal(failure, (await StateAsync(peer)).ReconnectFailures);
            Assert.Equal(DialPriority.Friend, _manager.ExpectMsg<DialPeer>(Generous).Priority);
            // A timer never fires early, however loaded the machine: the dial came no sooner than this retry's
            // shortest delay, which is longer than the previous retry's longest one.
            AssertNoSoonerThan(sent.Elapsed, failure - 1);
        }
    }

    [Fact]
    public async Task A_friend_that_stops_being_one_cancels_its_reconnect_and_reports_itself_idle()
    {
        await using var host = await StartHostAsync(listen: false);
        var peer = SpawnFriendWhoseFirstDialWasAsked(host);
        peer.Tell(new PeerDialFailed("unreachable"));

        peer.Tell(StopBeingFriend.Instance);

        Assert.Equal(Key, _manager.ExpectMsg<PeerIdle>(Generous).Key);
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(2 * Reconnect.InitialMs));
        Assert.False((await StateAsync(peer)).IsFriend);
    }

    [Fact]
    public async Task A_non_friend_whose_last_connection_is_removed_reports_itself_idle()
    {
        await using var listener = await StartHostAsync(listen: true);
        await using var dialer = await StartHostAsync(listen: false);
        var first = await DialAsync(dialer, listener);
        var second = await DialAsync(dialer, listener);
        var peer = Spawn(listener.PeerId, dialer);
        peer.Tell(new PeerConnectionAdded(first));
        peer.Tell(new PeerConnectionAdded(second));
        peer.Tell(new PeerStreamOpened("/a"));
        Assert.Equal(2, (await StateAsync(peer)).Connections);

        peer.Tell(new PeerConnectionRemoved(first.Id, "closed"));
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, (await StateAsync(peer)).Connections);

        peer.Tell(new PeerConnectionRemoved(second.Id, "closed"));
        Assert.Equal(Key, _manager.ExpectMsg<PeerIdle>(Generous).Key);
        var state = await StateAsync(peer);
        Assert.Equal(0, state.Connections);
        Assert.Empty(state.StreamsByProtocol);
    }

    [Fact]
    public async Task A_friend_whose_last_connection_is_removed_asks_for_a_dial_after_the_backoff_instead_of_reporting_idle()
    {
        await using var listener = await StartHostAsync(listen: true);
        await using var dialer = await StartHostAsync(listen: false);
        var connection = await DialAsync(dialer, listener);
        var addresses = new[] { listener.ListenAddresses[0] };
        var peer = Spawn(listener.PeerId, dialer);
        peer.Tell(new PeerConnectionAdded(connection));
        peer.Tell(new BecomeFriend(addresses));
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        var removed = System.Diagnostics.Stopwatch.StartNew();
        peer.Tell(new PeerConnectionRemoved(connection.Id, "closed"));

        var dial = _manager.ExpectMsg<DialPeer>(Generous);
        AssertNoSoonerThan(removed.Elapsed, 0);
        Assert.Equal(listener.PeerId, dial.Peer);
        Assert.Equal(addresses, dial.Addresses);
        Assert.Equal(DialPriority.Friend, dial.Priority);
    }

    [Fact]
    public async Task A_failed_dial_of_a_friend_that_is_connected_counts_no_failure_and_schedules_no_dial()
    {
        await using var listener = await StartHostAsync(listen: true);
        await using var dialer = await StartHostAsync(listen: false);
        var connection = await DialAsync(dialer, listener);
        var peer = Spawn(listener.PeerId, dialer);
        peer.Tell(new PeerConnectionAdded(connection));
        peer.Tell(new BecomeFriend([listener.ListenAddresses[0]]));

        peer.Tell(new PeerDialFailed("a dial started before the connection came in"));

        Assert.Equal(0, (await StateAsync(peer)).ReconnectFailures);
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(2 * Reconnect.InitialMs));
    }

    [Fact]
    public async Task A_trim_closes_the_real_connection_and_the_remote_sees_it_closed()
    {
        await using var listener = await StartHostAsync(listen: true);
        await using var dialer = await StartHostAsync(listen: false);
        var connection = await DialAsync(dialer, listener);
        var peer = Spawn(listener.PeerId, dialer);
        peer.Tell(new PeerConnectionAdded(connection));
        await Support.Eventually.HoldsAsync(() => Task.FromResult(listener.ConnectionsTo(dialer.PeerId).Any()), Generous, "the listener sees the connection");
        var remoteSide = listener.ConnectionsTo(dialer.PeerId).Single();

        peer.Tell(new TrimPeer([connection.Id], new ByeMessage(ByeReason.Trimmed, TimeSpan.FromSeconds(30), []), "LowScore"));

        await remoteSide.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True((await StateAsync(peer)).Closing);
    }

    [Fact]
    public async Task A_trim_closes_only_the_connections_it_names_and_one_opened_since_stays()
    {
        await using var listener = await StartHostAsync(listen: true);
        await using var dialer = await StartHostAsync(listen: false);
        var chosen = await DialAsync(dialer, listener);
        var later = await DialAsync(dialer, listener);
        var peer = Spawn(listener.PeerId, dialer);
        peer.Tell(new PeerConnectionAdded(chosen));
        peer.Tell(new PeerConnectionAdded(later));

        peer.Tell(new TrimPeer([chosen.Id], new ByeMessage(ByeReason.Trimmed, TimeSpan.FromSeconds(30), []), "LowScore"));

        await chosen.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(later.IsClosed);
        Assert.True(await dialer.PingAsync(later).WaitAsync(TimeSpan.FromSeconds(15)) > TimeSpan.Zero);
    }

    private IActorRef Spawn(PeerId remote, Libp2pHost host) =>
        Sys.ActorOf(PeerActor.Props(remote, Key, host, _manager.Ref, Reconnect, SystemClock.Instance));

    private IActorRef SpawnFriendWhoseFirstDialWasAsked(Libp2pHost host)
    {
        var peer = Spawn(PrivateKey.Generate().PeerId, host);
        peer.Tell(new BecomeFriend([Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001")]));
        _manager.ExpectMsg<DialPeer>(Generous);
        return peer;
    }

    private static Task<PeerActorState> StateAsync(IActorRef peer) => peer.Ask<PeerActorState>(GetPeerActorState.Instance, Generous);

    // 0.9: the scheduler's ticks may round a delay down by a few milliseconds.
    private static void AssertNoSoonerThan(TimeSpan elapsed, int retry)
    {
        double minimum = new ExponentialBackoff(Reconnect).MinimumDelayMs(retry) * 0.9;
        Assert.True(elapsed.TotalMilliseconds >= minimum, $"retry {retry} dialled after {elapsed.TotalMilliseconds:0} ms, before its shortest delay ({minimum:0} ms)");
    }

    private static Task<Libp2pHost> StartHostAsync(bool listen) => Libp2pHost.StartAsync(new HostOptions
    {
        Identity = PrivateKey.Generate(),
        ListenAddresses = listen ? [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")] : [],
    });

    private static Task<Libp2pConnection> DialAsync(Libp2pHost dialer, Libp2pHost listener) =>
        dialer.DialAsync(listener.ListenAddresses[0].WithPeerId(listener.PeerId));
}
