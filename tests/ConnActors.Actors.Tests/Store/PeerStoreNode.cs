using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Store;
using Xunit.Abstractions;

namespace ConnActors.Actors.Tests.Store;

/// <summary>One ActorSystem on a real database with a peer store in it; disposing it shuts the system down.</summary>
internal sealed class PeerStoreNode : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Akka.TestKit.Xunit2.TestKit _kit;

    private PeerStoreNode(Akka.TestKit.Xunit2.TestKit kit, IActorRef store, string persistenceId)
    {
        _kit = kit;
        Store = store;
        PersistenceId = persistenceId;
    }

    public ActorSystem System => _kit.Sys;

    public Akka.TestKit.Xunit2.TestKit Kit => _kit;

    public IActorRef Store { get; }

    public string PersistenceId { get; }

    public static Config ConfigFor(StoreTarget target) =>
        PersistenceConfig.Apply(ReferenceConfig.WithDefaults(target.PersistenceSection.WithFallback("akka.loglevel = WARNING")));

    public static PeerStoreNode Start(StoreTarget target, string persistenceId, SettableClock clock, ITestOutputHelper output, int snapshotEvery = 100)
    {
        target.Used(persistenceId);
        var kit = new Akka.TestKit.Xunit2.TestKit(ConfigFor(target), "peer-store", output);
        var store = kit.Sys.ActorOf(PeerStoreActor.Props(clock, new PeerStoreSettings(persistenceId, snapshotEvery)), "peer-store");
        return new PeerStoreNode(kit, store, persistenceId);
    }

    public PeerStoreAck Send(IPeerStoreCommand command)
    {
        Store.Tell(command, _kit.TestActor);
        return _kit.ExpectMsg<PeerStoreAck>(Timeout);
    }

    public PeerStoreState State()
    {
        Store.Tell(GetPeerStoreState.Instance, _kit.TestActor);
        return _kit.ExpectMsg<PeerStoreState>(Timeout);
    }

    /// <summary>The events still in the journal, read back through the query side (not through the actor).</summary>
    public async Task<IReadOnlyList<EventEnvelope>> JournalEvents()
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = await journal.CurrentEventsByPersistenceId(PersistenceId, 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), System.Materializer())
            .WaitAsync(Timeout);
        return events;
    }

    /// <summary>The newest snapshot in the snapshot store, read back directly, or null.</summary>
    public async Task<SelectedSnapshot?> LatestSnapshot()
    {
        var snapshotStore = Persistence.Instance.Apply(System).SnapshotStoreFor(null);
        var result = await snapshotStore.Ask<LoadSnapshotResult>(
            new LoadSnapshot(PersistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), Timeout);
        return result.Snapshot;
    }

    public void Dispose() => _kit.Shutdown(Timeout, verifySystemShutdown: true);
}
