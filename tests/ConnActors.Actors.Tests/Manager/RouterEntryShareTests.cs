using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Manager;

/// <summary>
/// With a share of a site budget the manager counts what the shared router holds for it (open connections,
/// attempts, and closed ones for <c>connactors.limits.router-entry-linger</c>) and refuses beyond its share.
/// </summary>
public class RouterEntryShareTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    public RouterEntryShareTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
    }

    [Fact]
    public async Task Closed_connections_count_against_the_share_until_their_linger_ends()
    {
        await using var nodes = new NodeFixture(Sys);
        var hub = await nodes.StartAsync(NodeSettings.From("connactors.limits { router-entry-linger = 10m, router-reset-linger = 10m }"));
        var applied = await hub.Manager.Ask<HardCapApplied>(new SetHardCap(8), Wait);
        Assert.Equal(8, applied.Cap);
        Assert.Equal(0, (await NodeFixture.StatusAsync(hub)).Counts.RouterEntries);

        // Three peers connect and leave: their entries linger in the router.
        for (int i = 0; i < 3; i++)
        {
            var passing = await nodes.StartAsync(NodeSettings.From());
            passing.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.Inbound == 1, Wait, "a passing peer connected");
            await nodes.StopAsync(passing);
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.Connections == 0, Wait, "the passing peer left");
        }
        Assert.Equal(3, (await NodeFixture.StatusAsync(hub)).Counts.RouterEntries);

        // Five more fill the share of 8 with 5 open connections.
        var staying = new List<Actors.Host.ConnActorsNode>();
        for (int i = 0; i < 6; i++) staying.Add(await nodes.StartAsync(NodeSettings.From()));
        var extra = await nodes.StartAsync(NodeSettings.From());
        for (int i = 0; i < 5; i++)
        {
            staying[i].Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
            int expected = i + 1;
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.Inbound == expected, Wait, $"{expected} staying peers connected");
        }
        var full = await NodeFixture.StatusAsync(hub);
        Assert.Equal(8, full.Counts.RouterEntries);

        // The sixth is refused although only 5 of the hard cap of 8 are open, and so is the hub's own dial.
        staying[5].Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).RefusalsByReason.GetValueOrDefault("RouterEntriesFull") >= 1, Wait,
            async () => $"the sixth refused for router entries; {System.Text.Json.JsonSerializer.Serialize(await NodeFixture.StatusAsync(hub))}");
        var outcome = await hub.Manager.Ask<DialOutcome>(new DialForQuery(staying[5].Host.PeerId, [NodeFixture.AddressOf(staying[5])]), Wait);
        Assert.Null(outcome.Connection);
        Assert.Equal("refused: RouterEntriesFull", outcome.Failure);
        Assert.False(outcome.RefusedForRoom); // closing a connection frees no router entry until its linger ends
        var after = await NodeFixture.StatusAsync(hub);
        Assert.Equal(5, after.Counts.Connections);
        Assert.True(after.Counts.Connections < after.Counts.HardCap);

        // Beyond its share the member borrows only while the site's entries stay below the site budget. (Each
        // refused attempt of the sixth peer lingers too: it stops first, so the count holds still.)
        await nodes.StopAsync(staying[5]);
        int held = (await NodeFixture.StatusAsync(hub)).Counts.RouterEntries!.Value;
        Assert.True(held >= 8, $"{held} router entries");
        hub.Manager.Tell(new UpdateFleetView(SiteView(budget: 40, elsewhere: 40 - held)));
        var stillFull = await hub.Manager.Ask<DialOutcome>(new DialForQuery(extra.Host.PeerId, [NodeFixture.AddressOf(extra)]), Wait);
        Assert.Equal("refused: RouterEntriesFull", stillFull.Failure);
        hub.Manager.Tell(new UpdateFleetView(SiteView(budget: 40, elsewhere: 40 - held - 1)));
        var borrowed = await hub.Manager.Ask<DialOutcome>(new DialForQuery(extra.Host.PeerId, [NodeFixture.AddressOf(extra)]), Wait);
        Assert.True(borrowed.Connection is not null, $"the dial borrowed the site's last free entry: {borrowed.Failure}");
        Assert.Equal(held + 1, (await NodeFixture.StatusAsync(hub)).Counts.RouterEntries);
    }

    [Fact]
    public async Task A_refused_attempt_counts_only_for_the_reset_linger_and_a_connection_closed_with_fin_for_the_full_one()
    {
        await using var nodes = new NodeFixture(Sys);
        // With reset-on-close (the default) a closed connection would count for the reset linger too (RouterEntriesTests).
        var hub = await nodes.StartAsync(NodeSettings.From("""
            connactors.limits { router-entry-linger = 10m, router-reset-linger = 3s }
            connactors.libp2p.reset-on-close = off
            """));
        Assert.Equal(8, (await hub.Manager.Ask<HardCapApplied>(new SetHardCap(8), Wait)).Cap);

        // A peer connects and leaves: its entry lingers for router-entry-linger.
        var passing = await nodes.StartAsync(NodeSettings.From());
        passing.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.Inbound == 1, Wait, "the passing peer connected");
        await nodes.StopAsync(passing);
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.RouterEntries == 1, Wait, "the closed connection's entry lingers");

        // Without a share the hub refuses every inbound attempt at its gate; the host resets each one.
        await hub.Manager.Ask<HardCapApplied>(new SetHardCap(0), Wait);
        var refused = await nodes.StartAsync(NodeSettings.From());
        refused.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.RouterEntries >= 2, Wait, "the refused attempt's entry counts");
        await nodes.StopAsync(refused);
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.RouterEntries == 1, Wait,
            async () => $"the reset entries end after 3 s, the closed connection's stays: {(await NodeFixture.StatusAsync(hub)).Counts.RouterEntries}");
    }

    private static global::ConnActors.Actors.Ledger.FleetView SiteView(int budget, long elsewhere) =>
        new(new Dictionary<Libp2p.Identity.PeerId, Libp2p.Multiaddress.Multiaddr>(), []) { SiteBudget = budget, SiteEntriesElsewhere = elsewhere };

    [Fact]
    public async Task Without_a_site_budget_router_entries_are_not_counted()
    {
        await using var nodes = new NodeFixture(Sys);
        var hub = await nodes.StartAsync(NodeSettings.From("connactors.limits.hard-cap = 8"));
        var passing = await nodes.StartAsync(NodeSettings.From());
        passing.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.Inbound == 1, Wait, "a passing peer connected");
        await nodes.StopAsync(passing);
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(hub)).Counts.Connections == 0, Wait, "the passing peer left");
        var status = await NodeFixture.StatusAsync(hub);
        Assert.Null(status.Counts.RouterEntries);
        Assert.False(status.RefusalsByReason.ContainsKey("RouterEntriesFull"));
    }
}
