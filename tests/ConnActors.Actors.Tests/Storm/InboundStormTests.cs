using Akka.Actor;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Tests.Storm;

/// <summary>
/// A ConnActors node with a hard cap of 200 against 2,000 real js-libp2p dialers (4 processes x 500 nodes,
/// all dialing at once): the node's own counters, sampled every ~20 ms, never pass the cap; afterwards the
/// outbound reserve and a subsystem reservation are still usable, and the friend never dropped.
/// </summary>
public class InboundStormTests : Akka.TestKit.Xunit2.TestKit
{
    private const int HardCap = 200;
    private const int JsProcesses = 4;
    private const int NodesPerProcess = 500;
    private const int PubsubPeers = 5;

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public InboundStormTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING\nakka.log-dead-letters = off", output) => _output = output;

    [Fact]
    public async Task Two_thousand_js_dialers_never_push_the_node_past_its_hard_cap_and_reserves_and_friends_hold()
    {
        await using var nodes = new NodeFixture(Sys);
        var friend = await nodes.StartAsync(NodeSettings.From());
        var hub = await nodes.StartAsync(NodeSettings.From(
            $"connactors {{ profile = desktop, limits {{ hard-cap = {HardCap}, max-pending-handshakes = 64 }} }}"));
        await hub.Manager.Ask<CommandAck>(new AddFriend(NodeFixture.AddressOf(friend)), TimeSpan.FromSeconds(5));
        await Eventually.HoldsAsync(async () => FriendConnected(await NodeFixture.StatusAsync(hub), friend), TimeSpan.FromSeconds(10), "friend connected before the storm");
        var limits = (await NodeFixture.StatusAsync(hub)).Counts;
        Assert.Equal(HardCap, limits.HardCap);
        Assert.True(limits.OutboundReserve > 0, "the desktop profile reserves outbound slots");

        await using var targets = await PeerProcess.StartJsAsync();
        var listeners = JsReplies.Nodes(await targets.RunAsync("start", new { count = limits.OutboundReserve + PubsubPeers }));
        await using var swarm = await JsSwarm.StartAsync(JsProcesses, NodesPerProcess);

        await using (var sampler = new CapSampler(hub, friend.Host.PeerId))
        {
            var storm = await swarm.DialAllAsync(NodeFixture.AddressOf(hub), concurrencyPerProcess: 100);
            _output.WriteLine($"storm: {storm.Succeeded} handshakes completed, {storm.Failed} failed ({string.Join(", ", storm.Errors.Select(e => $"{e.Key}={e.Value}"))})");
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts is { PendingInbound: 0, PendingOutbound: 0 },
                TimeSpan.FromSeconds(20), "no handshake pending after the storm");
            var afterStorm = await NodeFixture.StatusAsync(hub);
            _output.WriteLine($"after storm: {afterStorm.Counts}; refusals {string.Join(", ", afterStorm.RefusalsByReason.Select(r => $"{r.Key}={r.Value}"))}");
            Assert.True(storm.Failed > 0 && afterStorm.RefusalsByReason.Values.Sum() > 0, "the storm was refused in part (it really pressed on the cap)");
            Assert.True(await swarm.ConnectionCountAsync() <= HardCap, "the js side holds no more connections than the cap");

            var watch = System.Diagnostics.Stopwatch.StartNew();
            await AssertOutboundReserveHoldsAsync(hub, listeners.Take(limits.OutboundReserve).ToList());
            _output.WriteLine($"outbound reserve dialed in {watch.ElapsedMilliseconds} ms");
            await AssertPubsubReservationHoldsAsync(hub, listeners.Skip(limits.OutboundReserve).ToList());

            await sampler.DisposeAsync();
            _output.WriteLine($"{sampler.Samples} samples: max manager count {sampler.MaxManagerCount}, max host count {sampler.MaxHostCount}, samples without the friend {sampler.SamplesWithoutFriend}");
            Assert.True(sampler.Samples > 50, $"only {sampler.Samples} samples");
            Assert.True(sampler.MaxManagerCount <= HardCap, $"manager counted {sampler.MaxManagerCount} connections + pending handshakes, over the cap {HardCap}");
            Assert.True(sampler.MaxHostCount <= HardCap, $"host held {sampler.MaxHostCount} connections, over the cap {HardCap}");
            Assert.Equal(0, sampler.SamplesWithoutFriend);
        }
    }

    private static async Task<string> DescribeAsync(ConnActorsNode hub, IReadOnlySet<string> wanted)
    {
        var status = await NodeFixture.StatusAsync(hub);
        var queue = await hub.Manager.Ask<DialQueueStatus>(GetDialQueueStatus.Instance, TimeSpan.FromSeconds(5));
        var peers = string.Join("; ", status.Peers.Where(p => wanted.Contains(p.PeerId)));
        int hostConnections = hub.Host.Connections.Count(c => wanted.Contains(c.RemotePeer.ToString()));
        return $"{status.Counts}; host connections to them {hostConnections}; queue {queue}; refusals {string.Join(", ", status.RefusalsByReason)}; wanted peers: {peers}";
    }

    private static bool FriendConnected(ManagerStatus status, ConnActorsNode friend) =>
        status.Peers.Any(p => p.PeerId == friend.Host.PeerId.ToString() && p.IsFriend && p.Inbound + p.Outbound > 0);

    // Dials go through the manager's dial queue: admitted before the socket opens, within the outbound reserve.
    private static async Task AssertOutboundReserveHoldsAsync(ConnActorsNode hub, IReadOnlyList<(PeerId Peer, Multiaddr Address)> listeners)
    {
        foreach (var (peer, address) in listeners) hub.Manager.Tell(new DialPeer(peer, [address]));
        var wanted = listeners.Select(l => l.Peer.ToString()).ToHashSet();
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Peers.Count(p => wanted.Contains(p.PeerId) && p.Outbound > 0) == listeners.Count,
            TimeSpan.FromSeconds(30), async () => $"every dial within the outbound reserve connected; {await DescribeAsync(hub, wanted)}");
    }

    private static async Task AssertPubsubReservationHoldsAsync(ConnActorsNode hub, IReadOnlyList<(PeerId Peer, Multiaddr Address)> listeners)
    {
        var pubsub = (await hub.Manager.Ask<SubsystemRef>(new GetSubsystem("pubsub"), TimeSpan.FromSeconds(5))).Supervisor!;
        foreach (var (peer, address) in listeners)
        {
            var reply = await pubsub.Ask<SlotReply>(new RequestSlot(peer), TimeSpan.FromSeconds(5));
            Assert.True(reply.Granted, $"pubsub slot for {peer} refused after the storm: {reply.Outcome}");
            await hub.Host.DialPeerAsync(peer, [address]).WaitAsync(TimeSpan.FromSeconds(30));
        }
        var wanted = listeners.Select(l => l.Peer.ToString()).ToHashSet();
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Peers.Count(p => wanted.Contains(p.PeerId) && p.Outbound > 0 && p.Subsystems.Contains("pubsub")) == listeners.Count,
            TimeSpan.FromSeconds(20), async () => $"pubsub holds its {listeners.Count} reserved peers; {await DescribeAsync(hub, wanted)}");
        Assert.True((await NodeFixture.StatusAsync(hub)).Quotas.Single(q => q.Name == "pubsub").Used >= listeners.Count);
    }
}
