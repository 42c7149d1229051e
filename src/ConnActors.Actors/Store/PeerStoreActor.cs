using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ConnActors.Actors.Time;

namespace ConnActors.Actors.Store;

/// <summary>
/// The node's durable memory of peers: friends, protections, bye obligations and retained penalties.
/// Every change is an event persisted before the sender gets its <see cref="PeerStoreAck"/>; a snapshot is
/// taken every <see cref="PeerStoreSettings.SnapshotEvery"/> events, after which older events are deleted.
/// If the journal fails a write, the actor stops without acknowledging (its parent decides on restarts).
/// </summary>
public sealed class PeerStoreActor : ReceivePersistentActor
{
    private readonly IClock _clock;
    private readonly PeerStoreSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PeerStoreState _state = PeerStoreState.Empty;

    /// <summary>The props of a peer store reading time from <paramref name="clock"/>.</summary>
    public static Props Props(IClock clock, PeerStoreSettings? settings = null) =>
        Akka.Actor.Props.Create(() => new PeerStoreActor(clock, settings ?? PeerStoreSettings.Default));

    /// <summary>Use <see cref="Props"/>.</summary>
    public PeerStoreActor(IClock clock, PeerStoreSettings settings)
    {
        if (settings.SnapshotEvery < 1) throw new ArgumentOutOfRangeException(nameof(settings), "SnapshotEvery must be at least 1");
        _clock = clock;
        _settings = settings;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is PeerStoreSnapshot snapshot) _state = PeerStoreState.FromSnapshot(snapshot);
        });
        Recover<IPeerStoreEvent>(change => _state = _state.Apply(change));
        Recover<RecoveryCompleted>(_ =>
        {
            _state = _state.WithoutExpired(_clock.NowMs);
            _log.Info("peer store {0} recovered at sequence {1}: {2} friends, {3} protections, {4} bye obligations, {5} penalties",
                PersistenceId, LastSequenceNr, _state.Friends.Count, _state.Protections.Count, _state.ByeObligations.Count, _state.Penalties.Count);
        });

        Active();
    }

    /// <inheritdoc />
    public override string PersistenceId => _settings.PersistenceId;

    private void Active()
    {
        Command<IPeerStoreCommand>(Handle);
        Command<GetPeerStoreState>(_ => ReplyState());
        Command<SaveSnapshotSuccess>(saved =>
        {
            // Deleting while a write of the same persistence id is in flight can deadlock on PostgreSQL, and the
            // write may be the victim; so commands wait until the deletion is done.
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            Become(DeletingEvents);
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "peer store snapshot at sequence {0} failed; events are kept", failed.Metadata.SequenceNr));
        HandleSnapshotDeletion();
    }

    private void DeletingEvents()
    {
        Command<GetPeerStoreState>(_ => ReplyState());
        Command<DeleteMessagesSuccess>(_ => DoneDeleting());
        Command<DeleteMessagesFailure>(failed =>
        {
            _log.Warning(failed.Cause, "deleting peer store events up to {0} failed; the next snapshot deletes them", failed.ToSequenceNr);
            DoneDeleting();
        });
        HandleSnapshotDeletion();
        CommandAny(_ => Stash.Stash());
    }

    private void DoneDeleting()
    {
        Become(Active);
        Stash.UnstashAll();
    }

    private void HandleSnapshotDeletion()
    {
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "deleting old peer store snapshots failed"));
    }

    private void ReplyState()
    {
        _state = _state.WithoutExpired(_clock.NowMs);
        Sender.Tell(_state);
    }

    private void Handle(IPeerStoreCommand command)
    {
        IPeerStoreEvent? change;
        try
        {
            change = PeerStoreDecisions.EventFor(command, _state, _clock.NowMs);
        }
        catch (ArgumentException e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }

        if (change is null)
        {
            Sender.Tell(new PeerStoreAck(LastSequenceNr));
            return;
        }

        Persist(change, persisted =>
        {
            _state = _state.Apply(persisted);
            Sender.Tell(new PeerStoreAck(LastSequenceNr));
            if (LastSequenceNr % _settings.SnapshotEvery != 0) return;
            // Expired obligations and penalties leave memory here, and the journal with the events the snapshot replaces.
            _state = _state.WithoutExpired(_clock.NowMs);
            SaveSnapshot(_state.ToSnapshot());
        });
    }
}
