using ConnActors.Actors.Store;
using Xunit.Abstractions;

namespace ConnActors.Actors.Tests.Store;

/// <summary>The peer store on real databases: SQLite files and a PostgreSQL server.</summary>
public sealed class PeerStorePersistenceSpec
{
    private const string Alice = "12D3KooWAliceAliceAliceAliceAliceAliceAliceAlice";
    private const string Bob = "12D3KooWBobBobBobBobBobBobBobBobBobBobBobBobBob";
    private const string Carol = "12D3KooWCarolCarolCarolCarolCarolCarolCarolCarol";

    private readonly ITestOutputHelper _output;
    private readonly SettableClock _clock = new();
    private readonly string _persistenceId = $"peer-store-test-{Guid.NewGuid():N}";

    public PeerStorePersistenceSpec(ITestOutputHelper output) => _output = output;

    [Theory, SqliteStore, PostgreSqlStore]
    public async Task Every_command_is_acknowledged_once_its_event_is_in_the_journal(string targetName)
    {
        using var target = StoreTarget.Create(targetName);
        using var node = PeerStoreNode.Start(target, _persistenceId, _clock, _output);
        IPeerStoreCommand[] commands =
        [
            new SaveFriend(Alice, ["/ip4/10.0.0.1/tcp/4001/p2p/" + Alice]),
            new SaveProtection(Bob, "relay"),
            new RecordByeObligation(Carol, _clock.NowMs + 60_000),
            new RecordPenalty(Carol, 12.5, _clock.NowMs, _clock.NowMs + 3_600_000),
            new DeleteProtection(Bob, "relay"),
            new DeleteFriend(Alice),
        ];

        var acks = commands.Select(node.Send).ToList();

        Assert.Equal(Enumerable.Range(1, commands.Length).Select(i => (long)i), acks.Select(a => a.SequenceNr));
        var journal = await node.JournalEvents();
        Assert.Equal(acks.Select(a => a.SequenceNr), journal.Select(e => e.SequenceNr));
        Assert.Equal(
            [typeof(FriendAdded), typeof(PeerProtected), typeof(ByeObligationRecorded), typeof(PenaltyRecorded), typeof(PeerUnprotected), typeof(FriendRemoved)],
            journal.Select(e => e.Event.GetType()));
    }

    [Theory, SqliteStore, PostgreSqlStore]
    public void Acknowledged_state_is_back_after_a_restart(string targetName)
    {
        using var target = StoreTarget.Create(targetName);
        var obligationEnd = _clock.NowMs + 600_000;
        var penaltyEnd = _clock.NowMs + 3_600_000;
        using (var first = PeerStoreNode.Start(target, _persistenceId, _clock, _output))
        {
            first.Send(new SaveFriend(Alice, ["/ip4/10.0.0.1/tcp/4001/p2p/" + Alice, "/dns4/alice.example/tcp/4001/p2p/" + Alice]));
            first.Send(new SaveFriend(Bob, ["/ip4/10.0.0.2/tcp/4001/p2p/" + Bob]));
            first.Send(new DeleteFriend(Bob));
            first.Send(new SaveProtection(Carol, "dht"));
            first.Send(new SaveProtection(Carol, "app"));
            first.Send(new DeleteProtection(Carol, "dht"));
            first.Send(new RecordByeObligation(Bob, obligationEnd));
            first.Send(new RecordPenalty(Carol, -40.25, _clock.NowMs, penaltyEnd));
        }

        using var second = PeerStoreNode.Start(target, _persistenceId, _clock, _output);
        var state = second.State();

        Assert.Equal([Alice], state.Friends.Keys);
        Assert.Equal(["/ip4/10.0.0.1/tcp/4001/p2p/" + Alice, "/dns4/alice.example/tcp/4001/p2p/" + Alice], state.Friends[Alice].Multiaddrs);
        Assert.Equal([new StoredProtection(Carol, "app")], state.Protections);
        Assert.Equal([new StoredByeObligation(Bob, obligationEnd)], state.ByeObligations.Values);
        Assert.Equal([new StoredPenalty(Carol, -40.25, _clock.NowMs, penaltyEnd)], state.Penalties.Values);
        Assert.Equal(9, second.Send(new SaveProtection(Alice, "friend")).SequenceNr);
    }

    [Theory, SqliteStore, PostgreSqlStore]
    public void Expired_obligations_and_penalties_are_dropped_on_read_and_after_a_restart(string targetName)
    {
        using var target = StoreTarget.Create(targetName);
        using (var first = PeerStoreNode.Start(target, _persistenceId, _clock, _output))
        {
            first.Send(new RecordByeObligation(Alice, _clock.NowMs + 1_000));
            first.Send(new RecordByeObligation(Bob, _clock.NowMs + 10_000));
            first.Send(new RecordPenalty(Alice, 5, _clock.NowMs, _clock.NowMs + 1_000));
            first.Send(new RecordPenalty(Bob, 7, _clock.NowMs, _clock.NowMs + 10_000));
            Assert.Equal(2, first.State().ByeObligations.Count);

            _clock.Advance(TimeSpan.FromSeconds(1));
            var state = first.State();
            Assert.Equal([Bob], state.ByeObligations.Keys);
            Assert.Equal([Bob], state.Penalties.Keys);
        }

        _clock.Advance(TimeSpan.FromSeconds(9));
        using var second = PeerStoreNode.Start(target, _persistenceId, _clock, _output);
        var recovered = second.State();
        Assert.Empty(recovered.ByeObligations);
        Assert.Empty(recovered.Penalties);
    }

    [Theory, SqliteStore, PostgreSqlStore]
    public async Task A_snapshot_replaces_older_events_and_recovery_starts_from_it(string targetName)
    {
        using var target = StoreTarget.Create(targetName);
        using (var first = PeerStoreNode.Start(target, _persistenceId, _clock, _output, snapshotEvery: 3))
        {
            first.Send(new SaveFriend(Alice, ["/ip4/10.0.0.1/tcp/4001/p2p/" + Alice]));
            first.Send(new SaveProtection(Alice, "friend"));
            first.Send(new RecordByeObligation(Bob, _clock.NowMs + 1_000));
            first.Send(new RecordPenalty(Carol, 3, _clock.NowMs, _clock.NowMs + 600_000));
            first.Send(new SaveProtection(Bob, "relay"));
            _clock.Advance(TimeSpan.FromSeconds(2));
            first.Send(new SaveFriend(Carol, ["/ip4/10.0.0.3/tcp/4001/p2p/" + Carol]));
            first.Send(new SaveProtection(Carol, "friend"));

            await first.Kit.AwaitAssertAsync(async () =>
            {
                var snapshot = await first.LatestSnapshot();
                Assert.NotNull(snapshot);
                Assert.Equal(6, snapshot.Metadata.SequenceNr);
                var stored = Assert.IsType<PeerStoreSnapshot>(snapshot.Snapshot);
                Assert.Empty(stored.ByeObligations); // expired before the snapshot was taken
                Assert.Equal(2, stored.Friends.Count);
            }, PeerStoreNode.Timeout);
            await first.Kit.AwaitAssertAsync(async () =>
                Assert.Equal([7L], (await first.JournalEvents()).Select(e => e.SequenceNr)), PeerStoreNode.Timeout);
        }

        using var second = PeerStoreNode.Start(target, _persistenceId, _clock, _output, snapshotEvery: 3);
        var state = second.State();
        Assert.Equal([Alice, Carol], state.Friends.Keys.Order());
        Assert.Equal(
            [new StoredProtection(Alice, "friend"), new StoredProtection(Bob, "relay"), new StoredProtection(Carol, "friend")],
            state.Protections.OrderBy(p => p.PeerId, StringComparer.Ordinal));
        Assert.Empty(state.ByeObligations);
        Assert.Equal([Carol], state.Penalties.Keys);
        Assert.Equal(8, second.Send(new DeleteProtection(Bob, "relay")).SequenceNr);
    }
}
