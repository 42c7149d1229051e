using Akka.Actor;
using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// The DHT governed by the connection manager, on real sockets: lookups are bursts whose connections go
/// first (and do not linger), routing-table peers hold dht slots, useful answers are reported, the DHT
/// never takes pubsub's or app's reservations, and it honours byes.
/// </summary>
public class DhtGovernanceTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_lookup_is_a_burst_whose_query_connections_go_after_it_while_routing_peers_keep_their_dht_slots()
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 10);
        var querier = await nodes.StartAsync(DhtNodes.Settings([NodeFixture.AddressOf(servers[0])], mode: "client", overrides: """
            connactors.dht.routing-slots = 3
            connactors.regulation.burst-linger = 1s
            """));
        await DhtNodes.WaitForRoutingTableAsync(querier, 8, Wait);

        var found = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));
        Assert.True(found.Stats.Converged);
        Assert.True(found.Stats.Queried >= 8, $"{found.Stats.Queried} queries");
        // The lookup's burst has ended, and so has any bootstrap or refresh lookup that ran beside it on a slow machine.
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(querier)).ActiveBursts == 0, Wait, () => DhtNodes.DescribeAsync(querier));

        // Once the burst is over, only the routing table's closest peers stay connected: they hold the dht slots.
        await Eventually.HoldsAsync(async () =>
        {
            var held = (await DhtNodes.StatusAsync(querier)).RoutingHeld.ToHashSet();
            var connected = querier.Host.Connections.Select(c => c.RemotePeer).ToHashSet();
            return held.Count == 3 && connected.SetEquals(held);
        }, Wait, async () => $"held {Describe((await DhtNodes.StatusAsync(querier)).RoutingHeld)}, connected {Describe(querier.Host.Connections.Select(c => c.RemotePeer))}");
        var status = await NodeFixture.StatusAsync(querier);
        Assert.True(status.TrimsByReason.GetValueOrDefault("FinishedBurst") >= 1, $"trims: {string.Join(", ", status.TrimsByReason)}");
        Assert.Equal(3, status.Quotas.Single(q => q.Name == "dht").Used);
        var dhtPeers = await SupervisorPeersAsync(querier, "dht");
        Assert.Equal((await DhtNodes.StatusAsync(querier)).RoutingHeld.ToHashSet(), dhtPeers.Select(p => p.Peer).ToHashSet());
    }

    [Fact]
    public async Task Query_connections_are_the_first_to_go_and_the_dht_never_takes_app_or_pubsub_reservations()
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 12);
        var plain = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => nodes.StartAsync(NodeSettings.From("connactors.dht.enabled = off"))));
        // A small node: pubsub and app each reserve 3 of its 16 slots; the DHT may take everything else.
        var querier = await nodes.StartAsync(DhtNodes.Settings([NodeFixture.AddressOf(servers[0])], mode: "client", overrides: """
            connactors.limits.hard-cap = 16
            connactors.regulation.burst-linger = 0s
            connactors.dht.routing-slots = 0
            connactors.quotas {
              dht { reserved = "0", maximum = "100%" }
              pubsub { reserved = "3", maximum = "3" }
              app { reserved = "3", maximum = "3" }
            }
            """));
        var longLived = new List<PeerId>();
        foreach (var (peer, subsystem) in plain.Select((p, i) => (p, i < 3 ? "pubsub" : "app")))
        {
            var supervisor = (await querier.Manager.Ask<SubsystemRef>(new GetSubsystem(subsystem), Wait)).Supervisor!;
            Assert.True((await supervisor.Ask<SlotReply>(new RequestSlot(peer.Host.PeerId), Wait)).Granted);
            querier.Manager.Tell(new DialPeer(peer.Host.PeerId, [DhtNodes.ListenAddress(peer)]));
            longLived.Add(peer.Host.PeerId);
        }
        // Query dials (in their own queue) may fill the node with the bootstrap lookup's connections first; a long-lived
        // dial refused then (DialFriendReserve) is asked again, as its subsystem would, once trims have made room.
        var addressOf = plain.ToDictionary(p => p.Host.PeerId, DhtNodes.ListenAddress);
        var askedAgain = DateTime.UtcNow;
        await Eventually.HoldsAsync(() =>
        {
            if (DateTime.UtcNow - askedAgain > TimeSpan.FromSeconds(2))
            {
                askedAgain = DateTime.UtcNow;
                foreach (var missing in longLived.Where(p => !querier.Host.ConnectionsTo(p).Any())) querier.Manager.Tell(new DialPeer(missing, [addressOf[missing]]));
            }
            return Task.FromResult(longLived.All(p => querier.Host.ConnectionsTo(p).Any()));
        }, Wait,
            async () => $"long-lived peers connected: {longLived.Count(p => querier.Host.ConnectionsTo(p).Any())} of {longLived.Count}; {await DhtNodes.DescribeAsync(querier)}");
        int highWater = (await NodeFixture.StatusAsync(querier)).Counts.HighWater;

        using var watching = new CancellationTokenSource();
        var lost = WatchAsync(querier, longLived, watching.Token);
        int peak = 0;
        // How many lookups it takes to fill the node past its high water depends on how many peers each one reaches
        // in time (fewer on a loaded machine): look up until a finished burst had to be trimmed, at most 12 times.
        for (int i = 0; i < 12 && !await FinishedBurstTrimmedAsync(querier); i++)
        {
            var found = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));
            Assert.True(found.Stats.Answered >= 1);
            peak = Math.Max(peak, (await NodeFixture.StatusAsync(querier)).Counts.Connections);
        }
        await Eventually.HoldsAsync(() => FinishedBurstTrimmedAsync(querier), Wait,
            async () => $"no finished-burst trim; trims {string.Join(", ", (await NodeFixture.StatusAsync(querier)).TrimsByReason)}, peak {peak}, high water {highWater}");
        await watching.CancelAsync();
        Assert.Empty(await lost);
        var status = await NodeFixture.StatusAsync(querier);
        // Room for queries came from finished query connections (trims and the DHT's own evictions of
        // unassigned peers, counted as QuotaReclaim), never from a claimed peer.
        Assert.Equal(0, status.TrimsByReason.GetValueOrDefault("LowScore"));
        Assert.Equal(3, status.Quotas.Single(q => q.Name == "pubsub").Used);
        Assert.Equal(3, status.Quotas.Single(q => q.Name == "app").Used);
    }

    [Fact]
    public async Task A_lookup_dials_again_a_query_peer_that_a_regulation_round_trimmed_while_it_lingered()
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 8);
        // Query connections linger (burst-linger 10m) below low water (14 of a cap of 20); the own-trim hold is long.
        var querier = await nodes.StartAsync(DhtNodes.Settings([NodeFixture.AddressOf(servers[0])], mode: "client", overrides: """
            connactors.limits.hard-cap = 20
            connactors.regulation.burst-linger = 10m
            connactors.bye.own-trim-backoff = 10m
            connactors.dht.routing-slots = 0
            connactors.quotas.pubsub { reserved = "10", maximum = "10" }
            """));
        await DhtNodes.WaitForRoutingTableAsync(querier, 7, Wait);
        await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(querier)).ActiveBursts == 0, Wait, () => DhtNodes.DescribeAsync(querier));
        var serverIds = servers.Select(s => s.Host.PeerId.ToString()).ToHashSet();
        Assert.True(servers.Count(s => querier.Host.ConnectionsTo(s.Host.PeerId).Any()) >= 4, await DhtNodes.DescribeAsync(querier));

        // Long-lived peers in pubsub slots push the node past high water (17): the round takes lingering query
        // connections first, and records them as unassigned.
        var trims = CreateTestProbe();
        Sys.EventStream.Subscribe(trims.Ref, typeof(PeerTrimmed));
        var plain = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => nodes.StartAsync(NodeSettings.From("connactors.dht.enabled = off"))));
        var pubsub = (await querier.Manager.Ask<SubsystemRef>(new GetSubsystem("pubsub"), Wait)).Supervisor!;
        foreach (var peer in plain)
        {
            Assert.True((await pubsub.Ask<SlotReply>(new RequestSlot(peer.Host.PeerId), Wait)).Granted);
            querier.Manager.Tell(new DialPeer(peer.Host.PeerId, [DhtNodes.ListenAddress(peer)]));
        }
        var trimmed = trims.FishForMessage<PeerTrimmed>(t => t.Reason == "Unassigned" && serverIds.Contains(t.PeerId), Wait);
        var victim = servers.Single(s => s.Host.PeerId.ToString() == trimmed.PeerId);
        await Eventually.HoldsAsync(() => Task.FromResult(!querier.Host.ConnectionsTo(victim.Host.PeerId).Any(c => !c.IsClosed)), Wait,
            "the trimmed query connection closed");
        // The pubsub dials all connected and the node at or under high water: a pubsub dial still in flight could take the
        // room the lookup's dial needs (it was then refused for the friend reserve).
        await Eventually.HoldsAsync(async () => plain.All(p => querier.Host.ConnectionsTo(p.Host.PeerId).Any(c => !c.IsClosed))
            && (await NodeFixture.StatusAsync(querier)).Counts is var counts && counts.Connections <= counts.HighWater, Wait,
            () => DhtNodes.DescribeAsync(querier));

        // Its last use was a finished lookup: the next lookup (of its own key) dials it and it answers.
        var again = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(victim.Host.PeerId.ToBytes()));
        var status = await NodeFixture.StatusAsync(querier);
        Assert.True(again.Peers.Any(p => p.Id.Equals(victim.Host.PeerId)),
            $"the trimmed peer did not answer: {again.Stats}; refusals [{string.Join(", ", status.RefusalsByReason)}]");
        Assert.Equal(0, status.RefusalsByReason.GetValueOrDefault("OwnTrimBackoff"));
    }

    [Fact]
    public async Task Answers_that_led_to_a_result_are_reported_as_usefulness()
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 8);
        var key = DhtNodes.RandomKey();
        Assert.True((await DhtNodes.AskAsync<Provided>(servers[5], new Provide(key))).Peers >= 1);
        var querier = await nodes.StartAsync(DhtNodes.Settings([NodeFixture.AddressOf(servers[0])], mode: "client", overrides: "connactors.dht.routing-slots = 20"));
        await DhtNodes.WaitForRoutingTableAsync(querier, 7, Wait);
        await Eventually.HoldsAsync(async () => (await SupervisorPeersAsync(querier, "dht")).Count > 0, Wait, "routing peers hold dht slots");
        // The bootstrap lookup already credited the peers that introduced the closest ones.
        var before = (await SupervisorPeersAsync(querier, "dht")).ToDictionary(p => p.Peer, p => p.Usefulness);

        var providers = await DhtNodes.AskAsync<ProvidersFound>(querier, new FindProviders(key, Count: 1));
        Assert.Contains(providers.Providers, p => p.Id.Equals(servers[5].Host.PeerId));
        await Eventually.HoldsAsync(async () => (await SupervisorPeersAsync(querier, "dht")).Any(p => p.Usefulness > before.GetValueOrDefault(p.Peer) + 0.01), Wait,
            async () => $"no peer gained usefulness: {string.Join(", ", (await SupervisorPeersAsync(querier, "dht")).Select(p => $"{p.Peer} {before.GetValueOrDefault(p.Peer):0.###} -> {p.Usefulness:0.###}"))}");
    }

    [Fact]
    public async Task A_peer_that_said_bye_is_not_dialled_for_queries_during_its_backoff()
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 6);
        var querier = await nodes.StartAsync(DhtNodes.Settings([NodeFixture.AddressOf(servers[0])], mode: "client", overrides: "connactors.dht.routing-slots = 0"));
        await DhtNodes.WaitForRoutingTableAsync(querier, 5, Wait);
        var leaving = servers[3];
        var target = leaving.Host.PeerId.ToBytes();
        await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(target));
        // A slow query's dial may finish after its lookup ended.
        await Eventually.HoldsAsync(() => Task.FromResult(querier.Host.ConnectionsTo(leaving.Host.PeerId).Any()), Wait,
            "the lookup for its own key reached it");

        await leaving.Manager.Ask<CommandAck>(ShutdownPolitely.Instance, Wait); // bye with a 30 s backoff, then close
        await Eventually.HoldsAsync(() => Task.FromResult(!querier.Host.ConnectionsTo(leaving.Host.PeerId).Any()), Wait, "the bye closed the connection");

        var again = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(target));
        Assert.DoesNotContain(again.Peers, p => p.Id.Equals(leaving.Host.PeerId));
        Assert.Empty(querier.Host.ConnectionsTo(leaving.Host.PeerId));
        Assert.Empty(leaving.Host.ConnectionsTo(querier.Host.PeerId));
        Assert.True(again.Stats.Failed >= 1, "the query to the peer in backoff was refused locally");
    }

    private static async Task<bool> FinishedBurstTrimmedAsync(ConnActorsNode node) =>
        (await NodeFixture.StatusAsync(node)).TrimsByReason.GetValueOrDefault("FinishedBurst") > 0;

    private static async Task<IReadOnlyList<SubsystemPeer>> SupervisorPeersAsync(ConnActorsNode node, string subsystem)
    {
        var supervisor = (await node.Manager.Ask<SubsystemRef>(new GetSubsystem(subsystem), Wait)).Supervisor!;
        return (await supervisor.Ask<SubsystemPeers>(GetSubsystemPeers.Instance, Wait)).Peers;
    }

    // Records every long-lived peer seen disconnected while the lookups run.
    private static async Task<IReadOnlyList<PeerId>> WatchAsync(ConnActorsNode node, IReadOnlyList<PeerId> peers, CancellationToken stop)
    {
        var lost = new HashSet<PeerId>();
        while (!stop.IsCancellationRequested)
        {
            foreach (var peer in peers) if (!node.Host.ConnectionsTo(peer).Any()) lost.Add(peer);
            try { await Task.Delay(20, stop); } catch (OperationCanceledException) { }
        }
        return lost.ToList();
    }

    private static string Describe(IEnumerable<PeerId> peers) => "[" + string.Join(", ", peers.Select(p => p.ToString()[^6..])) + "]";
}
