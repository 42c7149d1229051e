using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Manager;

/// <summary>A query's dial refused because the node is full says so (<see cref="DialOutcome.RefusedForRoom"/>), on a real node.</summary>
public class QueryDialRoomTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    public QueryDialRoomTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
    }

    [Fact]
    public async Task A_query_dial_refused_on_a_full_node_is_refused_for_room_and_the_node_stays_under_its_cap()
    {
        await using var nodes = new NodeFixture(Sys);
        // No trim while the test fills the node: every connection stays in grace.
        var hub = await nodes.StartAsync(NodeSettings.From("connactors.limits { hard-cap = 8, max-pending-handshakes = 8 }\nconnactors.regulation { grace-period = 10m, grace-max-count = 8 }"));
        // Inbound fills what inbound may take (the outbound and friend reserves stay free).
        for (int i = 0; i < 8; i++)
        {
            var client = await nodes.StartAsync(NodeSettings.From());
            client.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));
        }
        int inbound = -1;
        await Eventually.HoldsAsync(async () =>
        {
            int before = inbound;
            await Task.Delay(1_000);
            inbound = (await NodeFixture.StatusAsync(hub)).Counts.Inbound;
            return inbound > 0 && inbound == before;
        }, Wait, () => Task.FromResult($"the clients' connections settled ({inbound} inbound)"));

        // The hub's own query dials take the rest of its ordinary room, then one is refused for room.
        DialOutcome? refused = null;
        for (int i = 0; i < 8 && refused is null; i++) // at most 7 ordinary connections fit, whatever came in
        {
            var target = await nodes.StartAsync(NodeSettings.From());
            var outcome = await hub.Manager.Ask<DialOutcome>(new DialForQuery(target.Host.PeerId, [NodeFixture.AddressOf(target)]), Wait);
            if (outcome.Connection is null) refused = outcome;
        }
        var status = await NodeFixture.StatusAsync(hub);
        string why = $"{inbound} inbound; {System.Text.Json.JsonSerializer.Serialize(status.Counts)}; refused: {refused}";
        Assert.True(refused is not null, why);
        Assert.True(refused.RefusedForRoom, why);
        Assert.Matches("^refused: (FriendReserve|HardCap)$", refused.Failure!);
        Assert.True(status.Counts.Connections <= 8, why);
    }
}
