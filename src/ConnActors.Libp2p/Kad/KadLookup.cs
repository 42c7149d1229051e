using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// The iterative lookup of the kad-dht spec, as a state machine without I/O: the owner asks which peers
/// to query (<see cref="TakeNext"/>), reports each answer or failure, and stops when <see cref="IsDone"/>.
/// At most <c>alpha</c> queries are in flight, and only peers among the k closest not-failed candidates
/// are queried. Termination is the spec's rule: the k closest peers seen (that did not fail) have all
/// answered; or nothing is left to ask; or the query budget is spent; or the owner stopped it (a value or
/// the target was found). Hops count the path: seeds are hop 1, a peer learnt from a hop-h answer is
/// hop h+1; the lookup's hops are those of the closest peer that answered. A query the owner reports
/// <see cref="Slow"/> stays in flight (its answer still counts) but frees its alpha place and is left out of
/// the termination rule, like a failed one, until it answers. With a follow-up (<c>followUpAfter</c> above 0), once the
/// closest <c>followUpAfter</c> candidates have answered the alpha bound lifts: the rest of the k closest are asked at
/// once, as go-libp2p-kad-dht's follow-up does after its 3 closest answered; the lookup still ends by the spec's rule.
/// A query this node's own-trim hold refused (<see cref="Held"/>) counts as failed, except that when the lookup would end
/// with a held peer closer than its <c>passHoldAmong</c>-th closest answer, that peer is asked once more, and that query may pass
/// the hold (<see cref="PassesOwnTrimHold"/>): no other peer can stand in for one of the closest to the key.
/// </summary>
public sealed class KadLookup
{
    private readonly KadKey _target;
    private readonly PeerId _self;
    private readonly int _k;
    private readonly int _alpha;
    private readonly int _maxQueries;
    private readonly int _followUpAfter;
    private readonly int _passHoldAmong;
    private readonly List<Candidate> _candidates = new();
    private readonly Dictionary<PeerId, Candidate> _byId = new();
    private int _inFlight;
    private bool _stopped;

    /// <summary>A lookup of <paramref name="target"/>; <paramref name="followUpAfter"/>: once this many of the closest have
    /// answered, the rest of the k closest are asked at once (0: alpha at a time to the end); <paramref name="passHoldAmong"/>:
    /// a peer the own-trim hold refused is asked again, past the hold, when fewer answers than this are closer at the end (0: never).</summary>
    public KadLookup(KadKey target, PeerId self, int k, int alpha, int maxQueries, int followUpAfter = 0, int passHoldAmong = 0)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");
        if (alpha < 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be at least 1");
        if (maxQueries < 1) throw new ArgumentOutOfRangeException(nameof(maxQueries), maxQueries, "the query budget must be at least 1");
        if (followUpAfter < 0 || followUpAfter > k) throw new ArgumentOutOfRangeException(nameof(followUpAfter), followUpAfter, "the follow-up starts after 0 (never) to k answers");
        if (passHoldAmong < 0 || passHoldAmong > k) throw new ArgumentOutOfRangeException(nameof(passHoldAmong), passHoldAmong, "a held peer is asked again among the 0 (never) to k closest");
        _followUpAfter = followUpAfter;
        _passHoldAmong = passHoldAmong;
        _target = target;
        _self = self;
        _k = k;
        _alpha = alpha;
        _maxQueries = maxQueries;
    }

    public KadKey Target => _target;

    /// <summary>Queries sent so far.</summary>
    public int Queried { get; private set; }

    /// <summary>Queries answered.</summary>
    public int Answered { get; private set; }

    /// <summary>Queries failed (no connection, timeout, bad answer).</summary>
    public int FailedCount { get; private set; }

    /// <summary>True once the follow-up has started: the closest <c>followUpAfter</c> answered, so the alpha bound no longer applies.</summary>
    public bool InFollowUp => _followUpAfter > 0 && ClosestHaveAnswered(_followUpAfter);

    /// <summary>Queries in flight that are not slow (those that hold an alpha place, or any of the k closest in the follow-up).</summary>
    public int InFlight => _inFlight;

    /// <summary>Queries reported slow so far (answered late or not).</summary>
    public int SlowCount { get; private set; }

    /// <summary>Queries the own-trim hold refused (<see cref="Held"/>), among <see cref="FailedCount"/>.</summary>
    public int HeldCount { get; private set; }

    /// <summary>Peers heard of (seeds and every closer peer reported).</summary>
    public int Seen => _candidates.Count;

    /// <summary>Adds peers from the local routing table (hop 1).</summary>
    public void AddSeeds(IEnumerable<KadPeer> peers)
    {
        foreach (var peer in peers) Add(peer, 1, null);
    }

    /// <summary>Adds the closer peers <paramref name="from"/> answered with; returns how many were new.</summary>
    public int AddCloser(PeerId from, IEnumerable<KadPeer> peers)
    {
        int hop = _byId.TryGetValue(from, out var parent) ? parent.Hop + 1 : 1;
        int added = 0;
        foreach (var peer in peers)
        {
            if (Add(peer, hop, from)) added++;
        }
        return added;
    }

    /// <summary>The peers to query now (marked in flight): the closest not yet asked, within the budget and alpha.</summary>
    public IReadOnlyList<KadPeer> TakeNext()
    {
        if (_stopped) return [];
        if (WouldEnd()) return TakeNeededHeld();
        List<KadPeer>? next = null;
        int considered = 0;
        int inFlightBound = InFollowUp ? _k : _alpha;
        foreach (var c in _candidates)
        {
            if (_inFlight >= inFlightBound || Queried >= _maxQueries || considered >= _k) break;
            if (c.State is State.Failed or State.Slow or State.Held) continue;
            considered++;
            if (c.State != State.Heard) continue;
            c.State = State.Waiting;
            _inFlight++;
            Queried++;
            (next ??= new List<KadPeer>()).Add(c.Peer);
        }
        return next ?? (IReadOnlyList<KadPeer>)[];
    }

    /// <summary>An in-flight (or slow) query to <paramref name="peer"/> was answered.</summary>
    public void Succeeded(PeerId peer)
    {
        if (!_byId.TryGetValue(peer, out var c) || c.State is not (State.Waiting or State.Slow)) return;
        if (c.State == State.Waiting) _inFlight--;
        c.State = State.Succeeded;
        Answered++;
    }

    /// <summary>An in-flight (or slow) query to <paramref name="peer"/> failed; the peer no longer counts among the closest.</summary>
    public void Failed(PeerId peer)
    {
        if (!_byId.TryGetValue(peer, out var c) || c.State is not (State.Waiting or State.Slow)) return;
        if (c.State == State.Waiting) _inFlight--;
        c.State = State.Failed;
        FailedCount++;
    }

    /// <summary>
    /// The in-flight query to <paramref name="peer"/> was refused by this node's own-trim hold: it failed, but the peer may be
    /// asked again past the hold if the lookup would otherwise end with it among the closest (see the class summary).
    /// </summary>
    public void Held(PeerId peer)
    {
        if (!_byId.TryGetValue(peer, out var c) || c.State != State.Waiting) return;
        Failed(peer);
        if (c.PassesHold) return; // asked past the hold already: an ordinary failure
        c.State = State.Held;
        HeldCount++;
    }

    /// <summary>True when the query now in flight to <paramref name="peer"/> is the one a held peer gets, which may pass the hold.</summary>
    public bool PassesOwnTrimHold(PeerId peer) => _byId.TryGetValue(peer, out var c) && c.PassesHold && c.State == State.Waiting;

    /// <summary>
    /// The query to <paramref name="peer"/> is still in flight but slow: it frees its alpha place, and until it answers the
    /// lookup neither counts it among the closest nor waits for it. Returns false if it was not in flight.
    /// </summary>
    public bool Slow(PeerId peer)
    {
        if (!_byId.TryGetValue(peer, out var c) || c.State != State.Waiting) return false;
        c.State = State.Slow;
        _inFlight--;
        SlowCount++;
        return true;
    }

    /// <summary>Ends the lookup early (the target or a value was found).</summary>
    public void Stop() => _stopped = true;

    /// <summary>True when the lookup is over; answers still in flight may be ignored.</summary>
    public bool IsDone => _stopped || (WouldEnd() && !HasNeededHeld());

    /// <summary>True when it ended by the spec's rule (the k closest seen have all answered).</summary>
    public bool Converged => IsConverged() && !HasNeededHeld();

    /// <summary>Up to <paramref name="count"/> peers that answered, closest first.</summary>
    public IReadOnlyList<KadPeer> ClosestAnswered(int count) =>
        _candidates.Where(c => c.State == State.Succeeded).Take(count).Select(c => c.Peer).ToList();

    /// <summary>Hops of the closest peer that answered (0 when none did).</summary>
    public int Hops => _candidates.FirstOrDefault(c => c.State == State.Succeeded)?.Hop ?? 0;

    /// <summary>The peer whose answer first named <paramref name="peer"/> (null for seeds and unknown peers).</summary>
    public PeerId? IntroducerOf(PeerId peer) => _byId.TryGetValue(peer, out var c) ? c.Introducer : null;

    /// <summary>Whether <paramref name="peer"/> is among the candidates.</summary>
    public bool Knows(PeerId peer) => _byId.ContainsKey(peer);

    private bool Add(KadPeer peer, int hop, PeerId? introducer)
    {
        if (peer.Id.Equals(_self) || _byId.ContainsKey(peer.Id)) return false;
        var candidate = new Candidate(peer, peer.Key.Xor(_target), hop, introducer);
        int at = _candidates.BinarySearch(candidate, CandidateOrder.Instance);
        _candidates.Insert(at < 0 ? ~at : at, candidate);
        _byId[peer.Id] = candidate;
        return true;
    }

    // The closest `count` candidates that did not fail (and are not slow) have answered (fewer when fewer are known).
    private bool ClosestHaveAnswered(int count)
    {
        int counted = 0;
        foreach (var c in _candidates)
        {
            if (c.State is State.Failed or State.Slow or State.Held) continue;
            if (c.State != State.Succeeded) return false;
            if (++counted == count) return true;
        }
        return counted > 0;
    }

    // The spec's rule: the k closest candidates that did not fail (and are not slow) have all answered; with fewer than k
    // known, every one that did not fail answered (all known peers were asked).
    private bool IsConverged() => ClosestHaveAnswered(_k);

    // Over but for the held peers: converged, or nothing left to ask and nothing in flight.
    private bool WouldEnd() => IsConverged() || (_inFlight == 0 && !HasQueryable());

    // A held peer not yet asked past the hold that is closer than the lookup's passHoldAmong-th closest answer (within the budget).
    private bool HasNeededHeld()
    {
        if (_passHoldAmong == 0 || Queried >= _maxQueries) return false;
        int closerAnswers = 0;
        foreach (var c in _candidates)
        {
            if (c.State == State.Held) return true;
            if (c.State == State.Succeeded && ++closerAnswers >= _passHoldAmong) return false;
        }
        return false;
    }

    // The needed held peers, asked once more (marked in flight) with a query that may pass the hold.
    private IReadOnlyList<KadPeer> TakeNeededHeld()
    {
        List<KadPeer>? next = null;
        int closerAnswers = 0;
        foreach (var c in _candidates)
        {
            if (_passHoldAmong == 0 || closerAnswers >= _passHoldAmong || Queried >= _maxQueries) break;
            if (c.State == State.Succeeded) closerAnswers++;
            if (c.State != State.Held) continue;
            c.State = State.Waiting;
            c.PassesHold = true;
            _inFlight++;
            Queried++;
            (next ??= new List<KadPeer>()).Add(c.Peer);
        }
        return next ?? (IReadOnlyList<KadPeer>)[];
    }

    private bool HasQueryable()
    {
        if (Queried >= _maxQueries) return false;
        int considered = 0;
        foreach (var c in _candidates)
        {
            if (c.State is State.Failed or State.Slow or State.Held) continue;
            if (c.State == State.Heard) return true;
            if (++considered >= _k) return false;
        }
        return false;
    }

    private enum State
    {
        Heard,
        Waiting,
        Succeeded,
        Failed,
        Slow,
        // Refused by the own-trim hold: failed unless the lookup's end needs it (TakeNeededHeld).
        Held,
    }

    private sealed class Candidate(KadPeer peer, KadKey distance, int hop, PeerId? introducer)
    {
        public KadPeer Peer { get; } = peer;

        public KadKey Distance { get; } = distance;

        public int Hop { get; } = hop;

        public PeerId? Introducer { get; } = introducer;

        public State State { get; set; }

        public bool PassesHold { get; set; }
    }

    private sealed class CandidateOrder : IComparer<Candidate>
    {
        public static readonly CandidateOrder Instance = new();

        public int Compare(Candidate? x, Candidate? y) => x!.Distance.CompareTo(y!.Distance);
    }
}
