using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Tests.Support;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;

namespace ConnActors.Actors.Tests.Manager;

public class ConnectionManagerTests : Akka.TestKit.Xunit2.TestKit
{
    public ConnectionManagerTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
    }

    [Fact]
    public async Task A_dial_through_the_queue_is_counted_on_both_sides()
    {
        await using var nodes = new NodeFixture(Sys);
        var a = await nodes.StartAsync(NodeSettings.From());
        var b = await nodes.StartAsync(NodeSettings.From());
        b.Manager.Tell(new DialPeer(a.Host.PeerId, [NodeFixture.AddressOf(a)]));

        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(a)).Counts.Inbound == 1, TimeSpan.FromSeconds(10), "A sees B inbound");
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(b)).Counts.Outbound == 1, TimeSpan.FromSeconds(10), "B sees A outbound");
        var statusB = await NodeFixture.StatusAsync(b);
        Assert.Equal(1, statusB.Counts.Outbound);
        Assert.Equal(a.Host.PeerId.ToString(), Assert.Single(statusB.Peers).PeerId);
        Assert.Equal(0, statusB.Counts.PendingOutbound);
    }

    [Fact]
    public async Task Dialing_a_peer_already_connected_gives_the_dial_slot_back()
    {
        await using var nodes = new NodeFixture(Sys);
        var a = await nodes.StartAsync(NodeSettings.From());
        var b = await nodes.StartAsync(NodeSettings.From());
        b.Manager.Tell(new DialPeer(a.Host.PeerId, [NodeFixture.AddressOf(a)]));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(b)).Counts.Outbound == 1, TimeSpan.FromSeconds(10), "B connected");
        await Task.Delay(200); // past the dial queue's in-flight accounting of the first dial

        b.Manager.Tell(new DialPeer(a.Host.PeerId, [NodeFixture.AddressOf(a)]));
        await Eventually.HoldsAsync(async () => (await DialQueueStatusAsync(b)).InFlight == 0 && (await NodeFixture.StatusAsync(b)).Counts.PendingOutbound == 0,
            TimeSpan.FromSeconds(10), "the second dial finished and released its slot");
        Assert.Equal(1, (await NodeFixture.StatusAsync(b)).Counts.Outbound);
    }

    [Fact]
    public async Task Over_high_water_the_manager_trims_to_low_water_with_a_bye_and_the_trimmed_peer_does_not_redial()
    {
        await using var nodes = new NodeFixture(Sys);
        var hub = await nodes.StartAsync(NodeSettings.From("connactors.limits { hard-cap = 16, max-pending-handshakes = 16 }")); // high 13, low 11
        var clients = new List<Actors.Host.ConnActorsNode>();
        for (int i = 0; i < 14; i++) clients.Add(await nodes.StartAsync(NodeSettings.From()));
        foreach (var client in clients) client.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));

        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).TrimsByReason.Values.Sum() > 0, TimeSpan.FromSeconds(20),
            async () => $"a trim round; {System.Text.Json.JsonSerializer.Serialize(await NodeFixture.StatusAsync(hub))} client: {System.Text.Json.JsonSerializer.Serialize(await NodeFixture.StatusAsync(clients[0]))} {System.Text.Json.JsonSerializer.Serialize(await DialQueueStatusAsync(clients[0]))}");
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.Connections <= 13, TimeSpan.FromSeconds(10), "trimmed below high water");
        var status = await NodeFixture.StatusAsync(hub);
        Assert.True(status.Counts.Connections >= status.Counts.LowWater, $"{status.Counts.Connections} below low water");

        // Trimmed clients got a bye: each holds an obligation, and a new dial to the hub is parked, not made.
        Actors.Host.ConnActorsNode? victim = null;
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var client in clients)
            {
                if ((await DialQueueStatusAsync(client)).ByeObligations == 1) victim = client;
            }
            return victim is not null;
        }, TimeSpan.FromSeconds(30), "a trimmed client holding a bye obligation");
        victim!.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
        await Eventually.HoldsAsync(async () => (await DialQueueStatusAsync(victim)).Parked == 1, TimeSpan.FromSeconds(5), "the redial parked");
        await Task.Delay(500);
        Assert.DoesNotContain((await NodeFixture.StatusAsync(victim)).Peers, p => p.PeerId == hub.Host.PeerId.ToString() && p.Outbound + p.Inbound > 0);
    }

    [Fact]
    public async Task A_friend_killed_and_restarted_is_reconnected_and_never_trimmed()
    {
        await using var nodes = new NodeFixture(Sys);
        var friendKey = Libp2p.Identity.PrivateKey.Generate();
        var friend = await nodes.StartAsync(NodeSettings.From(), friendKey);
        var friendAddress = NodeFixture.AddressOf(friend);
        var hub = await nodes.StartAsync(NodeSettings.From("connactors.limits { hard-cap = 16, max-pending-handshakes = 16 }"));
        await hub.Manager.Ask<CommandAck>(new AddFriend(friendAddress), TimeSpan.FromSeconds(5));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Peers.Any(p => p.IsFriend && p.Outbound == 1), TimeSpan.FromSeconds(10), "friend connected");

        // Fill the hub past high water: the friend must survive every round.
        for (int i = 0; i < 14; i++)
        {
            var client = await nodes.StartAsync(NodeSettings.From());
            client.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
        }
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).TrimsByReason.Values.Sum() > 0, TimeSpan.FromSeconds(20), "a trim round");
        Assert.Contains((await NodeFixture.StatusAsync(hub)).Peers, p => p.IsFriend && p.Outbound == 1);

        // Kill the friend, bring it back on the same port with the same identity.
        await nodes.StopAsync(friend);
        await Eventually.HoldsAsync(async () => !(await NodeFixture.StatusAsync(hub)).Peers.Any(p => p.IsFriend && p.Outbound > 0), TimeSpan.FromSeconds(10), "friend gone");
        var port = friendAddress.Components[1].ValueText;
        var revived = await nodes.StartAsync(NodeSettings.From($"connactors.libp2p.listen = [\"/ip4/127.0.0.1/tcp/{port}\"]"), friendKey);
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Peers.Any(p => p.IsFriend && p.Outbound == 1), TimeSpan.FromSeconds(15), "friend reconnected");
        Assert.Equal(revived.Host.PeerId.ToString(), (await NodeFixture.StatusAsync(hub)).Peers.Single(p => p.IsFriend).PeerId);
    }

    [Fact]
    public async Task A_subsystem_gets_slots_through_its_supervisor()
    {
        await using var nodes = new NodeFixture(Sys);
        var a = await nodes.StartAsync(NodeSettings.From());
        var b = await nodes.StartAsync(NodeSettings.From());
        var dht = (await a.Manager.Ask<SubsystemRef>(new GetSubsystem("dht"), TimeSpan.FromSeconds(5))).Supervisor!;
        var reply = await dht.Ask<SlotReply>(new RequestSlot(b.Host.PeerId), TimeSpan.FromSeconds(5));
        Assert.Equal(SlotOutcome.Granted, reply.Outcome);
        a.Manager.Tell(new DialPeer(b.Host.PeerId, [NodeFixture.AddressOf(b)]));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(a)).Peers.Any(p => p.Subsystems.Contains("dht")), TimeSpan.FromSeconds(10), "dht claim visible");
        Assert.Equal(1, (await NodeFixture.StatusAsync(a)).Quotas.Single(q => q.Name == "dht").Used);
    }

    [Fact]
    public async Task A_subsystem_at_its_maximum_replaces_its_least_useful_peer_when_it_asks_to()
    {
        await using var nodes = new NodeFixture(Sys);
        var a = await nodes.StartAsync(NodeSettings.From("connactors.quotas.app { reserved = \"0\", maximum = \"2\" }"));
        var app = (await a.Manager.Ask<SubsystemRef>(new GetSubsystem("app"), TimeSpan.FromSeconds(5))).Supervisor!;
        var useful = PrivateKey.Generate().PeerId;
        var idle = PrivateKey.Generate().PeerId;
        var newcomer = PrivateKey.Generate().PeerId;
        foreach (var peer in new[] { useful, idle }) Assert.True((await app.Ask<SlotReply>(new RequestSlot(peer), TimeSpan.FromSeconds(5))).Granted);
        app.Tell(new ReportUseful(useful, UsefulnessSignal.SuccessfulQuery, 2));

        Assert.Equal(SlotOutcome.DeniedAtMaximum, (await app.Ask<SlotReply>(new RequestSlot(newcomer), TimeSpan.FromSeconds(5))).Outcome);
        var replacing = await app.Ask<SlotReply>(new RequestSlot(newcomer, ReplaceLeastUseful: true), TimeSpan.FromSeconds(5));

        Assert.True(replacing.Granted, $"{replacing.Outcome}");
        Assert.Equal(idle, replacing.Replaced);
        Assert.Equal(2, (await NodeFixture.StatusAsync(a)).Quotas.Single(q => q.Name == "app").Used);
        var held = (await app.Ask<SubsystemPeers>(GetSubsystemPeers.Instance, TimeSpan.FromSeconds(5))).Peers.Select(p => p.Peer);
        Assert.Equal(new HashSet<PeerId> { useful, newcomer }, held.ToHashSet());
    }

    private static Task<DialQueueStatus> DialQueueStatusAsync(Actors.Host.ConnActorsNode node) =>
        node.Manager.Ask<DialQueueStatus>(GetDialQueueStatus.Instance, TimeSpan.FromSeconds(5));
}
