using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit;
using ConnActors.Actors.Dialing;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Policy;
using ConnActors.Policy.Politeness;
using Xunit.Abstractions;

namespace ConnActors.Actors.Tests.Dialing;

public sealed class DialQueueActorSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const long DialBackoffMs = 1_500;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private static readonly Multiaddr Nowhere = Multiaddr.Parse("/ip4/127.0.0.1/tcp/9");

    private readonly TestProbe _manager;
    private Libp2pHost _dialer = null!;
    private Libp2pHost _listener = null!;

    public DialQueueActorSpec(ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
        _manager = CreateTestProbe("manager");
    }

    public async Task InitializeAsync()
    {
        _dialer = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        _listener = await Libp2pHost.StartAsync(new HostOptions
        {
            Identity = PrivateKey.Generate(),
            ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")],
        });
    }

    public async Task DisposeAsync()
    {
        await _dialer.DisposeAsync();
        await _listener.DisposeAsync();
    }

    [Fact]
    public void An_admitted_dial_connects_to_the_peer_and_is_reported_finished_with_the_connection()
    {
        var queue = SpawnQueue();
        var key = new PeerKey(1);
        queue.Tell(new QueueDial(key, _listener.PeerId, [_listener.ListenAddresses[0]], DialPriority.Normal));

        var request = _manager.ExpectMsg<RequestDialAdmission>(Generous);
        Assert.Equal(key, request.Key);
        Assert.Equal(_listener.PeerId, request.Peer);
        Assert.Equal(_listener.ListenAddresses[0], request.Address);
        queue.Tell(new DialAdmission(key, true, null));

        var finished = _manager.ExpectMsg<DialFinished>(Generous);
        Assert.Equal(key, finished.Key);
        Assert.Null(finished.Failure);
        Assert.NotNull(finished.Connection);
        Assert.Equal(_listener.PeerId, finished.Connection.RemotePeer);
        Assert.False(finished.Connection.IsClosed);
    }

    [Fact]
    public async Task A_refused_dial_is_reported_finished_with_the_reason_and_opens_no_socket()
    {
        var queue = SpawnQueue();
        var key = new PeerKey(1);
        queue.Tell(new QueueDial(key, _listener.PeerId, [_listener.ListenAddresses[0]], DialPriority.Normal));
        _manager.ExpectMsg<RequestDialAdmission>(Generous);

        queue.Tell(new DialAdmission(key, false, "outbound cap"));

        var finished = _manager.ExpectMsg<DialFinished>(Generous);
        Assert.Equal("refused: outbound cap", finished.Failure);
        Assert.Null(finished.Connection);
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Empty(_dialer.Connections);
        Assert.Empty(_listener.Connections);
        Assert.Equal(new DialQueueStatus(0, 0, 0, 0), await StatusAsync(queue));
    }

    [Fact]
    public void A_dial_with_no_address_is_finished_at_once_without_asking_for_admission()
    {
        var queue = SpawnQueue();
        var peer = PrivateKey.Generate().PeerId;

        queue.Tell(new QueueDial(new PeerKey(1), peer, [], DialPriority.Normal));

        var finished = _manager.ExpectMsg<DialFinished>(Generous);
        Assert.Equal("no address to dial", finished.Failure);
        Assert.Equal(peer, finished.Peer);
        Assert.Null(finished.Connection);
    }

    [Fact]
    public async Task After_a_failed_dial_the_peer_is_not_offered_for_admission_again_until_its_backoff_ends()
    {
        var queue = SpawnQueue();
        var key = new PeerKey(1);
        var peer = PrivateKey.Generate().PeerId;
        var unreachable = UnusedLoopbackAddress();
        queue.Tell(new QueueDial(key, peer, [unreachable], DialPriority.Normal));
        _manager.ExpectMsg<RequestDialAdmission>(Generous);
        queue.Tell(new DialAdmission(key, true, null));
        var failed = _manager.ExpectMsg<DialFinished>(Generous);
        Assert.NotNull(failed.Failure);
        Assert.Null(failed.Connection);

        queue.Tell(new QueueDial(key, peer, [unreachable], DialPriority.Normal));

        Assert.Equal(new DialQueueStatus(1, 1, 0, 0), await StatusAsync(queue));
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(DialBackoffMs * 2 / 3));
        Assert.Equal(key, _manager.ExpectMsg<RequestDialAdmission>(Generous).Key);
    }

    [Fact]
    public async Task A_peer_that_said_bye_is_not_offered_for_admission_before_its_backoff_hint_ends()
    {
        var queue = SpawnQueue();
        var key = new PeerKey(1);
        queue.Tell(new HonourRemoteBye(key, 500));
        Assert.Equal(1, (await StatusAsync(queue)).ByeObligations);

        queue.Tell(new QueueDial(key, _listener.PeerId, [_listener.ListenAddresses[0]], DialPriority.Friend));

        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(400));
        Assert.Equal(key, _manager.ExpectMsg<RequestDialAdmission>(Generous).Key);
    }

    [Fact]
    public async Task No_more_than_the_in_flight_cap_are_offered_for_admission_until_one_finishes()
    {
        var queue = SpawnQueue(maxInFlight: 2);
        for (int i = 1; i <= 3; i++)
            queue.Tell(new QueueDial(new PeerKey(i), PrivateKey.Generate().PeerId, [Nowhere], DialPriority.Normal));

        var offered = new[] { _manager.ExpectMsg<RequestDialAdmission>(Generous).Key, _manager.ExpectMsg<RequestDialAdmission>(Generous).Key };
        _manager.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.Equal(new DialQueueStatus(1, 0, 2, 0), await StatusAsync(queue));

        queue.Tell(new DialAdmission(offered[0], false, "test"));

        var next = _manager.ReceiveN(2, Generous);
        Assert.Equal(offered[0], Assert.Single(next.OfType<DialFinished>()).Key);
        var third = Assert.Single(next.OfType<RequestDialAdmission>()).Key;
        Assert.DoesNotContain(third, offered);
    }

    [Fact]
    public async Task The_status_counts_queued_parked_and_in_flight_dials_and_bye_obligations()
    {
        var queue = SpawnQueue(maxInFlight: 1);
        Assert.Equal(new DialQueueStatus(0, 0, 0, 0), await StatusAsync(queue));

        queue.Tell(new HonourRemoteBye(new PeerKey(1), 60_000));
        queue.Tell(new QueueDial(new PeerKey(1), PrivateKey.Generate().PeerId, [Nowhere], DialPriority.Normal));
        queue.Tell(new QueueDial(new PeerKey(2), PrivateKey.Generate().PeerId, [Nowhere], DialPriority.Normal));
        Assert.Equal(new PeerKey(2), _manager.ExpectMsg<RequestDialAdmission>(Generous).Key);
        queue.Tell(new QueueDial(new PeerKey(3), PrivateKey.Generate().PeerId, [Nowhere], DialPriority.Normal));

        Assert.Equal(new DialQueueStatus(Queued: 2, Parked: 1, InFlight: 1, ByeObligations: 1), await StatusAsync(queue));
    }

    private IActorRef SpawnQueue(int maxInFlight = 24)
    {
        var settings = new PolitenessSettings
        {
            DialBackoff = new DialBackoffSettings { Backoff = new BackoffSettings { InitialMs = DialBackoffMs, CapMs = 4 * DialBackoffMs, Jitter = 0 } },
            DialQueue = new DialQueueSettings { MaxInFlight = maxInFlight },
        };
        return Sys.ActorOf(DialQueueActor.Props(_dialer, _manager.Ref, settings, SystemClock.Instance));
    }

    private static Task<DialQueueStatus> StatusAsync(IActorRef queue) => queue.Ask<DialQueueStatus>(GetDialQueueStatus.Instance, Generous);

    private static Multiaddr UnusedLoopbackAddress()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{port}");
    }
}
