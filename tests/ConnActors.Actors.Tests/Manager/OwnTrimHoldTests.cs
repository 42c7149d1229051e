using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Manager;

/// <summary>After the manager trims a peer itself, it does not dial it again for <c>bye.own-trim-backoff</c> (a friend passes, and a lookup's query that must).</summary>
public class OwnTrimHoldTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    public OwnTrimHoldTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
    }

    [Fact]
    public async Task A_peer_the_node_trimmed_is_not_dialled_by_it_during_the_hold_but_a_friend_is()
    {
        var trims = CreateTestProbe();
        Sys.EventStream.Subscribe(trims.Ref, typeof(PeerTrimmed));
        await using var nodes = new NodeFixture(Sys);
        var hub = await nodes.StartAsync(NodeSettings.From("connactors.limits { hard-cap = 16, max-pending-handshakes = 16 }\nconnactors.bye.own-trim-backoff = 10m"));
        var clients = new List<Actors.Host.ConnActorsNode>();
        for (int i = 0; i < 14; i++) clients.Add(await nodes.StartAsync(NodeSettings.From()));
        foreach (var client in clients) client.Manager.Tell(new DialPeer(hub.Host.PeerId, [NodeFixture.AddressOf(hub)]));

        var first = trims.ExpectMsg<PeerTrimmed>(TimeSpan.FromSeconds(30));
        var second = trims.ExpectMsg<PeerTrimmed>(TimeSpan.FromSeconds(30));
        var victim = clients.Single(c => c.Host.PeerId.ToString() == first.PeerId);
        var friend = clients.Single(c => c.Host.PeerId.ToString() == second.PeerId);
        await Eventually.HoldsAsync(() => Task.FromResult(!hub.Host.ConnectionsTo(victim.Host.PeerId).Any(c => !c.IsClosed)), Wait, "the trimmed peer's connection closed");
        // The victim stops, so that nothing of it can reach the hub again: at load 90 a second inbound attempt of it,
        // still in its handshake when the check above ran, became an open connection that answered the dial below.
        // The hold is decided before any network dial, so the refusal's reason still tells it apart from a failed dial.
        await nodes.StopAsync(victim);
        await Eventually.HoldsAsync(() => Task.FromResult(!hub.Host.ConnectionsTo(victim.Host.PeerId).Any(c => !c.IsClosed)), Wait, "the stopped peer's connections closed");

        var outcome = await hub.Manager.Ask<DialOutcome>(new DialForQuery(victim.Host.PeerId, [NodeFixture.AddressOf(victim)]), Wait);
        Assert.Null(outcome.Connection);
        Assert.StartsWith("refused: OwnTrimBackoff", outcome.Failure);
        Assert.True(outcome.HeldAfterOwnTrim);
        long held = (await NodeFixture.StatusAsync(hub)).RefusalsByReason.GetValueOrDefault("OwnTrimBackoff");
        Assert.True(held >= 1);
        Assert.DoesNotContain(hub.Host.ConnectionsTo(victim.Host.PeerId), c => !c.IsClosed && c.Direction == Libp2p.Host.ConnectionDirection.Outbound);

        // A lookup that needs the peer among the closest to its key passes the hold: the dial is made (and fails, the peer is gone).
        var passed = await hub.Manager.Ask<DialOutcome>(new DialForQuery(victim.Host.PeerId, [NodeFixture.AddressOf(victim)], PassOwnTrimHold: true), Wait);
        Assert.Null(passed.Connection);
        Assert.False(passed.HeldAfterOwnTrim);
        Assert.DoesNotContain("OwnTrimBackoff", passed.Failure);
        Assert.Equal(held, (await NodeFixture.StatusAsync(hub)).RefusalsByReason.GetValueOrDefault("OwnTrimBackoff"));

        // A friend is dialled whatever the hold: the operator asked for it.
        await hub.Manager.Ask<CommandAck>(new AddFriend(NodeFixture.AddressOf(friend)), Wait);
        await Eventually.HoldsAsync(() => Task.FromResult(hub.Host.ConnectionsTo(friend.Host.PeerId).Any(c => !c.IsClosed)), Wait,
            "the hub reconnected its friend inside the hold");
    }
}
