using System.Runtime.InteropServices;
using ConnActors.Policy.Rates;

namespace ConnActors.Policy.Politeness;

/// <summary>
/// Outbound dials waiting for their turn. A request's effective priority is its base priority plus one
/// point per <see cref="DialQueueSettings.AgingIntervalMs"/> waited, so nothing starves: a request is
/// never overtaken by one queued <c>255 * AgingIntervalMs</c> or more after it. Requests are handed
/// out while fewer than <see cref="DialQueueSettings.MaxInFlight"/> dials are in flight and the rate
/// bucket has a token, and never while their peer or address is in a backoff window: such requests
/// stay queued (parked, keeping their rank) until the window ends. One request per peer.
/// <see cref="TryDequeue"/> and <see cref="Complete"/> do not allocate.
/// </summary>
public sealed class DialQueue
{
    private const int InitialCapacity = 64;

    // Failed dials are a regulation trigger in the v2 draft; one minute smooths a single bad burst.
    private const double FailureRateTauMs = 60_000;

    private readonly DialQueueSettings _settings;
    private readonly DialSlots _slots;
    private readonly RankHeap _waiting;
    private readonly ReadyHeap _parked;
    private readonly Dictionary<PeerKey, int> _slotByPeer;
    private readonly HashSet<PeerKey> _inFlight;
    private EwmaRate _failures = new(FailureRateTauMs);
    private TokenBucket _rate;
    private bool _started;
    private long _originMs;
    private long _nextSequence;

    /// <summary>Creates an empty queue.</summary>
    public DialQueue(DialQueueSettings settings)
    {
        _settings = settings.Validate();
        int capacity = Math.Min(InitialCapacity, settings.MaxLength);
        _slots = new DialSlots(capacity);
        _waiting = new RankHeap(_slots);
        _parked = new ReadyHeap(_slots);
        _slotByPeer = new Dictionary<PeerKey, int>(capacity);
        _inFlight = new HashSet<PeerKey>(settings.MaxInFlight);
    }

    /// <summary>Requests queued (waiting or parked in backoff).</summary>
    public int Count => _slotByPeer.Count;

    /// <summary>
    /// Whether a background request (an alternative a remote bye named) may still be queued: only while the queue is less
    /// than half full. Whoever sends byes chooses how many such requests there are; the other half stays for friends and
    /// subsystems.
    /// </summary>
    public bool HasBackgroundRoom => _slotByPeer.Count < _settings.MaxLength / 2;

    /// <summary>Requests queued whose peer or address was found in backoff.</summary>
    public int ParkedCount => _parked.Count;

    /// <summary>Dials handed out and not yet completed.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>True when a request for <paramref name="peer"/> is queued.</summary>
    public bool IsQueued(PeerKey peer) => _slotByPeer.ContainsKey(peer);

    /// <summary>True when a dial to <paramref name="peer"/> is in flight.</summary>
    public bool IsDialing(PeerKey peer) => _inFlight.Contains(peer);

    /// <summary>
    /// Queues <paramref name="request"/> at <paramref name="nowMs"/> (which becomes its
    /// <see cref="DialRequest.EnqueuedMs"/>), merging it with a request already queued for the same peer.
    /// </summary>
    public EnqueueResult Enqueue(in DialRequest request, long nowMs)
    {
        Start(nowMs);
        if (_inFlight.Contains(request.Peer)) return EnqueueResult.AlreadyDialing;
        long rank = (long)request.Priority * _settings.AgingIntervalMs - (nowMs - _originMs);
        if (_slotByPeer.TryGetValue(request.Peer, out int existing))
        {
            Merge(existing, request, rank);
            return EnqueueResult.Merged;
        }
        if (_slotByPeer.Count >= _settings.MaxLength) return EnqueueResult.QueueFull;

        EnsureCapacity(_slotByPeer.Count + 1);
        int slot = _slots.Allocate();
        ref var item = ref _slots.Items[slot];
        item.Request = request with { EnqueuedMs = nowMs };
        item.Rank = rank;
        item.Sequence = _nextSequence++;
        _slotByPeer.Add(request.Peer, slot);
        _waiting.Push(slot);
        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Hands out the best request that may be dialed at <paramref name="nowMs"/>, if the concurrency
    /// and rate caps allow one now. Requests found in backoff on the way are parked until their window
    /// ends. The peer counts as in flight until <see cref="Complete"/>.
    /// </summary>
    public bool TryDequeue(long nowMs, DialBackoffTable backoff, out DialRequest request)
    {
        request = default;
        Start(nowMs);
        if (_inFlight.Count >= _settings.MaxInFlight || _rate.Available(nowMs) < 1) return false;

        while (_parked.Count > 0 && _slots.Items[_parked.Peek()].ReadyMs <= nowMs)
        {
            int slot = _parked.Pop();
            _slots.Items[slot].IsParked = false;
            _waiting.Push(slot);
        }

        while (_waiting.Count > 0)
        {
            int slot = _waiting.Pop();
            ref var item = ref _slots.Items[slot];
            long earliest = backoff.EarliestDialMs(item.Request.Peer, item.Request.Address, nowMs);
            if (earliest > nowMs)
            {
                item.ReadyMs = earliest;
                item.IsParked = true;
                _parked.Push(slot);
                continue;
            }
            request = item.Request;
            _rate.TryTake(nowMs);
            _slotByPeer.Remove(request.Peer);
            _slots.Release(slot);
            _inFlight.Add(request.Peer);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The dial to <paramref name="peer"/> ended, frees its concurrency slot. Returns false if no dial
    /// to it was in flight. Recording the failure in the <see cref="DialBackoffTable"/> is the caller's
    /// job: only it knows whether the address or the peer failed.
    /// </summary>
    public bool Complete(PeerKey peer, bool success, long nowMs)
    {
        if (!_inFlight.Remove(peer)) return false;
        if (!success) _failures.Record(nowMs);
        return true;
    }

    /// <summary>Failed dials per second, averaged over about a minute: a regulation trigger.</summary>
    public double FailedDialsPerSecond(long nowMs) => _failures.PerSecond(nowMs);

    /// <summary>Withdraws the request queued for <paramref name="peer"/> (for example, it connected to us meanwhile).</summary>
    public bool Remove(PeerKey peer)
    {
        if (!_slotByPeer.Remove(peer, out int slot)) return false;
        if (_slots.Items[slot].IsParked) _parked.Remove(slot);
        else _waiting.Remove(slot);
        _slots.Release(slot);
        return true;
    }

    /// <summary>
    /// A time before which <see cref="TryDequeue"/> cannot hand anything out, so a timer set for it is
    /// never late: <paramref name="nowMs"/> when something may be ready now, the end of the earliest
    /// backoff or the next rate token otherwise, and <see cref="long.MaxValue"/> when the queue is empty
    /// or the concurrency cap is reached (then <see cref="Enqueue"/> or <see cref="Complete"/> is the
    /// event to wait for). Exact once <see cref="TryDequeue"/> has returned false.
    /// </summary>
    public long NextReadyMs(long nowMs)
    {
        if (_slotByPeer.Count == 0 || _inFlight.Count >= _settings.MaxInFlight) return long.MaxValue;
        Start(nowMs);
        long itemReady = _waiting.Count > 0 ? nowMs : _slots.Items[_parked.Peek()].ReadyMs;
        return Math.Max(nowMs, Math.Max(itemReady, FirstTokenMs(nowMs)));
    }

    /// <summary>The first millisecond at which TryDequeue's own token check passes.</summary>
    private long FirstTokenMs(long nowMs)
    {
        // TokenBucket.MillisecondsUntilToken rounds its estimate and may be off by a millisecond either
        // way against Refill's arithmetic; probing copies of the bucket makes the answer agree exactly.
        long at = nowMs + _rate.MillisecondsUntilToken(nowMs);
        while (at > nowMs && HasToken(at - 1)) at--;
        while (!HasToken(at)) at++;
        return at;
    }

    private bool HasToken(long atMs)
    {
        var probe = _rate;
        return probe.Available(atMs) >= 1;
    }

    private void Merge(int slot, in DialRequest request, long rank)
    {
        ref var item = ref _slots.Items[slot];
        if (request.Priority > item.Request.Priority)
        {
            item.Request = request with { EnqueuedMs = item.Request.EnqueuedMs };
            if (item.IsParked)
            {
                // The address may have changed: let TryDequeue check its backoff again.
                _parked.Remove(slot);
                item.IsParked = false;
                item.Rank = Math.Max(item.Rank, rank);
                _waiting.Push(slot);
                return;
            }
        }
        if (rank <= item.Rank) return;
        item.Rank = rank;
        if (!item.IsParked) _waiting.Promote(slot);
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _slots.Capacity) return;
        int capacity = (int)Math.Min(_settings.MaxLength, 2L * _slots.Capacity);
        _slots.Grow(capacity);
        _waiting.Grow(capacity);
        _parked.Grow(capacity);
    }

    private void Start(long nowMs)
    {
        if (_started) return;
        _started = true;
        _originMs = nowMs;
        _rate = new TokenBucket(_settings.DialRatePerSecond, _settings.MaxInFlight, nowMs);
    }
}
