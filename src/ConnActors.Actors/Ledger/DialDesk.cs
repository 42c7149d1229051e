using ConnActors.Actors.Host;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Politeness;

namespace ConnActors.Actors.Ledger;

/// <summary>
/// Dials waiting and in flight: the policy's <see cref="DialQueue"/> (priorities with aging, concurrency and
/// rate caps) and <see cref="DialBackoffTable"/> (failure windows and remote bye obligations — the one copy of
/// those, clamped by the honour ceiling, the copy that is persisted), plus what to dial for each queued peer
/// and which attempt id each dial in flight runs under. Query dials (a lookup's) wait in a queue of their own
/// (<see cref="DialQueueSettings.ForQueryDials"/>), so they are not paced behind the manager's own dials; a peer
/// queued or dialling in one queue is not queued again in the other.
/// </summary>
internal sealed class DialDesk
{
    private readonly DialQueue _queue;
    private readonly DialQueue _queries;
    private readonly DialBackoffTable _backoff;
    private readonly Dictionary<PeerKey, DialTarget> _targets = new();
    private readonly Dictionary<ConnectionId, PeerKey> _inFlight = new();

    public DialDesk(PolitenessSettings settings, DeterministicRandom random)
    {
        _queue = new DialQueue(settings.DialQueue);
        _queries = new DialQueue(settings.DialQueue.ForQueryDials());
        _backoff = new DialBackoffTable(settings.DialBackoff, random);
    }

    public int Queued => _queue.Count + _queries.Count;

    /// <inheritdoc cref="DialQueue.HasBackgroundRoom"/>
    public bool HasBackgroundRoom => _queue.HasBackgroundRoom;

    public int Parked => _queue.ParkedCount + _queries.ParkedCount;

    public int InFlight => _queue.InFlight + _queries.InFlight;

    public DialBackoffTable Backoff => _backoff;

    /// <summary>
    /// Queues a dial (in the query dials' queue when <paramref name="forQuery"/>); a peer queued already keeps one
    /// request (the higher priority), in whichever queue holds it.
    /// </summary>
    public EnqueueResult Enqueue(PeerKey key, PeerId peer, IReadOnlyList<Multiaddr> addresses, byte priority, long nowMs, bool forQuery = false)
    {
        var (lane, other) = forQuery ? (_queries, _queue) : (_queue, _queries);
        if (other.IsDialing(key)) return EnqueueResult.AlreadyDialing;
        if (other.IsQueued(key)) lane = other;
        var result = lane.Enqueue(new DialRequest(key, Addresses.ToAddressKey(addresses[0]), priority, 0), nowMs);
        if (result is EnqueueResult.Queued or EnqueueResult.Merged) _targets[key] = new DialTarget(peer, addresses);
        return result;
    }

    /// <summary>The next dial the queue hands out now, if any (its peer then counts as in flight).</summary>
    public bool TryNext(long nowMs, out PeerKey key, out DialTarget target)
    {
        target = default;
        if (!_queue.TryDequeue(nowMs, _backoff, out var request) && !_queries.TryDequeue(nowMs, _backoff, out request))
        {
            key = default;
            return false;
        }
        key = request.Peer;
        _targets.Remove(key, out target);
        return true;
    }

    /// <summary>The dial handed out for <paramref name="key"/> runs as attempt <paramref name="id"/>.</summary>
    public void Started(ConnectionId id, PeerKey key) => _inFlight[id] = key;

    /// <summary>True when <paramref name="id"/> is a dial this desk handed out and has not seen end.</summary>
    public bool IsInFlight(ConnectionId id) => _inFlight.ContainsKey(id);

    /// <summary>
    /// The dial <paramref name="id"/> ended (connected, reused a connection, or failed); false when it had
    /// ended already. A failure opens the peer's backoff window (its end in <paramref name="backoffUntilMs"/>);
    /// a success closes it.
    /// </summary>
    public bool Finish(ConnectionId id, bool connected, long nowMs, out long backoffUntilMs)
    {
        backoffUntilMs = 0;
        if (!_inFlight.Remove(id, out var key)) return false;
        LaneOf(key).Complete(key, connected, nowMs);
        if (connected) _backoff.RecordSuccess(key, nowMs);
        else backoffUntilMs = _backoff.RecordFailure(key, nowMs);
        return true;
    }

    /// <summary>A dial admission that the policy refused: the peer leaves the in-flight set without a backoff.</summary>
    public void Refused(PeerKey key, long nowMs) => LaneOf(key).Complete(key, success: false, nowMs);

    public long NextReadyMs(long nowMs) => Math.Min(_queue.NextReadyMs(nowMs), _queries.NextReadyMs(nowMs));

    public bool Holds(PeerKey key) => _queue.IsQueued(key) || _queue.IsDialing(key) || _queries.IsQueued(key) || _queries.IsDialing(key);

    private DialQueue LaneOf(PeerKey key) => _queries.IsDialing(key) ? _queries : _queue;

    /// <summary>A remote asked (in a bye) not to be dialed for <paramref name="hintMs"/>: the obligation in force, clamped.</summary>
    public ByeObligation HonourBye(PeerKey key, long hintMs, long nowMs) => _backoff.RecordRemoteBye(key, hintMs, nowMs);

    /// <summary>Re-installs a persisted obligation (clamped by the ceiling); returns its end as now in force.</summary>
    public long RestoreObligation(PeerKey key, long notBeforeMs, long nowMs)
    {
        _backoff.Restore(new ByeObligation(key, notBeforeMs), nowMs);
        return _backoff.ByeObligationOf(key, nowMs);
    }

    public int ByeObligations(long nowMs) => _backoff.ByeObligations(nowMs).Count;
}

/// <summary>Whom to dial and where.</summary>
internal readonly record struct DialTarget(PeerId Peer, IReadOnlyList<Multiaddr> Addresses);
