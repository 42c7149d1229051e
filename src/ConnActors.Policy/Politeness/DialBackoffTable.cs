namespace ConnActors.Policy.Politeness;

/// <summary>
/// When we may dial a peer again. Three independent windows, all of which must have ended:
/// <list type="bullet">
/// <item>per (peer, address): after that address failed (unreachable, refused, timed out);</item>
/// <item>per peer: after a dial to the peer as a whole failed (every address failed, or the handshake
/// was rejected);</item>
/// <item>per peer: a remote bye's backoff hint, shortened to
/// <see cref="DialBackoffSettings.RemoteByeCeilingMs"/>.</item>
/// </list>
/// Failure windows grow with consecutive failures along <see cref="DialBackoffSettings.Backoff"/> and
/// reset on success or after <see cref="DialBackoffSettings.ForgetAfterMs"/> of quiet. Expired entries
/// are forgotten lazily, so memory follows the number of recent failures and byes, not of peers ever seen.
/// </summary>
public sealed class DialBackoffTable
{
    private readonly DialBackoffSettings _settings;
    private readonly ExponentialBackoff _curve;
    private readonly DeterministicRandom _random;
    private readonly BackoffEntryMap<PeerKey> _peers;
    private readonly BackoffEntryMap<PeerAddress> _addresses;

    /// <summary>Creates an empty table; <paramref name="random"/> supplies the jitter.</summary>
    public DialBackoffTable(DialBackoffSettings settings, DeterministicRandom random)
    {
        _settings = settings.Validate();
        _curve = new ExponentialBackoff(settings.Backoff);
        _random = random;
        _peers = new BackoffEntryMap<PeerKey>(settings.ForgetAfterMs);
        _addresses = new BackoffEntryMap<PeerAddress>(settings.ForgetAfterMs);
    }

    /// <summary>Entries currently held (peers plus addresses), including some not yet forgotten.</summary>
    public int Count => _peers.Count + _addresses.Count;

    /// <summary>Records that dialing <paramref name="address"/> of <paramref name="peer"/> failed; returns the end of its window.</summary>
    public long RecordFailure(PeerKey peer, AddressKey address, long nowMs) =>
        Fail(ref _addresses.GetOrAdd(new PeerAddress(peer, address), nowMs), nowMs);

    /// <summary>Records that a dial to <paramref name="peer"/> as a whole failed; returns the end of its window.</summary>
    public long RecordFailure(PeerKey peer, long nowMs) => Fail(ref _peers.GetOrAdd(peer, nowMs), nowMs);

    /// <summary>
    /// Records a connection to <paramref name="peer"/> over <paramref name="address"/>: clears the failure
    /// history of the peer and of that address (other addresses keep theirs; they may really be dead).
    /// A bye obligation is kept until it ends.
    /// </summary>
    public void RecordSuccess(PeerKey peer, AddressKey address, long nowMs)
    {
        _addresses.Remove(new PeerAddress(peer, address));
        RecordSuccess(peer, nowMs);
    }

    /// <summary>Records a connection to <paramref name="peer"/> (for example an inbound one): clears its peer-level failure history.</summary>
    public void RecordSuccess(PeerKey peer, long nowMs)
    {
        var entry = _peers.Get(peer, nowMs);
        if (entry.ByeNotBeforeMs > nowMs || entry.OwnTrimNotBeforeMs > nowMs)
        {
            ref var kept = ref _peers.GetOrAdd(peer, nowMs);
            kept.Failures = 0;
            kept.FailureNotBeforeMs = 0;
        }
        else
        {
            _peers.Remove(peer);
        }
    }

    /// <summary>
    /// Records a bye from <paramref name="peer"/> asking not to be dialed for <paramref name="backoffHintMs"/>.
    /// The hint is clamped to [0, <see cref="DialBackoffSettings.RemoteByeCeilingMs"/>]; an earlier,
    /// longer obligation is not shortened. Returns the obligation now in force, to be persisted.
    /// </summary>
    public ByeObligation RecordRemoteBye(PeerKey peer, long backoffHintMs, long nowMs)
    {
        long honoured = Math.Clamp(backoffHintMs, 0, _settings.RemoteByeCeilingMs);
        return Oblige(peer, nowMs + honoured, nowMs);
    }

    /// <summary>
    /// Re-installs a persisted obligation. Its end is clamped to now + the ceiling, so a store written
    /// under a longer ceiling (or with a wrong clock) cannot ban a peer for longer than this node allows.
    /// </summary>
    public void Restore(ByeObligation obligation, long nowMs)
    {
        long end = Math.Min(obligation.NotBeforeMs, nowMs + _settings.RemoteByeCeilingMs);
        if (end > nowMs) Oblige(obligation.Peer, end, nowMs);
    }

    /// <summary>
    /// This node trimmed <paramref name="peer"/>: it holds off its own dials to it for
    /// <paramref name="backoffMs"/> (see <see cref="OwnTrimHold"/>). An earlier, longer hold is not
    /// shortened. Returns the end of the hold now in force.
    /// </summary>
    public long RecordOwnTrim(PeerKey peer, long backoffMs, long nowMs)
    {
        if (backoffMs <= 0) return OwnTrimHoldOf(peer, nowMs);
        ref var entry = ref _peers.GetOrAdd(peer, nowMs);
        entry.OwnTrimNotBeforeMs = Math.Max(entry.OwnTrimNotBeforeMs, nowMs + backoffMs);
        return entry.OwnTrimNotBeforeMs;
    }

    /// <summary>The end of the hold after our own trim of <paramref name="peer"/> (at or before <paramref name="nowMs"/> when none).</summary>
    public long OwnTrimHoldOf(PeerKey peer, long nowMs) => _peers.Get(peer, nowMs).OwnTrimNotBeforeMs;

    /// <summary>The end of the bye obligation in force for <paramref name="peer"/> (at or before <paramref name="nowMs"/> when none).</summary>
    public long ByeObligationOf(PeerKey peer, long nowMs) => _peers.Get(peer, nowMs).ByeNotBeforeMs;

    /// <summary>The bye obligations still in force at <paramref name="nowMs"/>, as a snapshot to persist.</summary>
    public IReadOnlyList<ByeObligation> ByeObligations(long nowMs)
    {
        var result = new List<ByeObligation>();
        foreach (var pair in _peers)
        {
            if (pair.Value.ByeNotBeforeMs > nowMs) result.Add(new ByeObligation(pair.Key, pair.Value.ByeNotBeforeMs));
        }
        return result;
    }

    /// <summary>
    /// The earliest time <paramref name="address"/> of <paramref name="peer"/> may be dialed: the latest
    /// end of its address window, its peer window and its bye obligation, and never before
    /// <paramref name="nowMs"/>.
    /// </summary>
    public long EarliestDialMs(PeerKey peer, AddressKey address, long nowMs)
    {
        long addressEnd = _addresses.Get(new PeerAddress(peer, address), nowMs).FailureNotBeforeMs;
        return Math.Max(addressEnd, EarliestDialMs(peer, nowMs));
    }

    /// <summary>The earliest time <paramref name="peer"/> may be dialed at all (peer window and bye obligation), never before <paramref name="nowMs"/>.</summary>
    public long EarliestDialMs(PeerKey peer, long nowMs) => Math.Max(nowMs, _peers.Get(peer, nowMs).NotBeforeMs);

    /// <summary>True when <paramref name="address"/> of <paramref name="peer"/> may be dialed at <paramref name="nowMs"/>.</summary>
    public bool CanDial(PeerKey peer, AddressKey address, long nowMs) => EarliestDialMs(peer, address, nowMs) <= nowMs;

    /// <summary>Consecutive failures recorded for <paramref name="peer"/> as a whole (0 once forgotten).</summary>
    public int PeerFailures(PeerKey peer, long nowMs) => _peers.Get(peer, nowMs).Failures;

    /// <summary>Consecutive failures recorded for one address (0 once forgotten).</summary>
    public int AddressFailures(PeerKey peer, AddressKey address, long nowMs) =>
        _addresses.Get(new PeerAddress(peer, address), nowMs).Failures;

    private long Fail(ref BackoffEntry entry, long nowMs)
    {
        long end = nowMs + _curve.DelayMs(entry.Failures, _random);
        entry.FailureNotBeforeMs = Math.Max(entry.FailureNotBeforeMs, end);
        if (entry.Failures < int.MaxValue) entry.Failures++;
        return entry.FailureNotBeforeMs;
    }

    private ByeObligation Oblige(PeerKey peer, long end, long nowMs)
    {
        ref var entry = ref _peers.GetOrAdd(peer, nowMs);
        entry.ByeNotBeforeMs = Math.Max(entry.ByeNotBeforeMs, end);
        return new ByeObligation(peer, entry.ByeNotBeforeMs);
    }
}
