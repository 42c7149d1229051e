using ConnActors.Policy.Fleet;

namespace ConnActors.Policy.Tests.Fleet;

/// <summary>
/// A site of four members and three allocators, as the lease property plays it (<see cref="ShareLeaseTests"/>). Each
/// member asks the allocator its own (randomly wrong, changing) view elects, and any allocator answers: every allocator
/// believes it allocates, so the budget holds only by the lease rules (<see cref="LeaseBook"/>, <see cref="MemberLease"/>),
/// never by the election. Channels delay messages arbitrarily, lose about one in eight and keep one sender's order to
/// one receiver; members and allocators stall for arbitrary times; members crash and allocators are killed; every clock
/// runs at its own rate within the drift the margin covers. Members also suspect a silent allocator as a Negotiator does
/// (<see cref="AllocatorWatch"/>): one that answered them before and then left their requests unanswered for the
/// suspicion's silence is left out of their election for its hold, whether it is dead, cut off, stalled or only slow
/// (its answers delayed). After every event, the caps in force (each on its member's clock, whatever its actor did)
/// must add up to at most the budget.
/// </summary>
internal sealed class LeaseSite
{
    public const int Members = 4;
    public const int Allocators = 3;
    private const int Floor = 8;
    private const string SiteName = "home";
    private readonly ShareLeaseTimings _t;
    private readonly int _budget;
    private readonly double[] _rate = new double[Members + Allocators];
    private readonly long[] _offset = new long[Members + Allocators];
    private readonly Member[] _members = new Member[Members];
    private readonly Allocator[] _allocators = new Allocator[Allocators];
    private readonly Dictionary<(int From, int To), long> _lastDelivery = [];
    private readonly List<Message> _inFlight = [];
    private readonly Random _random;
    private readonly bool _calm; // no stalls, cuts, crashes or kills: allocators hand over by the views alone
    private readonly long _tickMs;
    private long _nextTick;
    private long _now;

    /// <summary>
    /// <paramref name="seed"/> drives what happens on every tick (every third of the quorum window): each member asks for a
    /// renewal, as a Negotiator does every renew-interval, and each allocator may try a resplit. Every member starts
    /// asking the first allocator, as members that agree on the oldest do; flaps make them disagree.
    /// </summary>
    public LeaseSite(ShareLeaseTimings t, AllocatorSilenceTimings silence, int budget, int[] rates, int seed, bool calm)
    {
        _t = t;
        _budget = budget;
        _calm = calm;
        _random = new Random(seed);
        _tickMs = Math.Max(1, t.QuorumWindowMs / 3);
        // Clocks may differ in rate by up to what the margin covers (less the clocks' 1 ms resolution).
        double rho = Math.Max(0, (t.MarginMs - 4.0) / (2.2 * t.FloorLengthMs));
        for (int i = 0; i < Members + Allocators; i++)
        {
            _rate[i] = 1 + rho * (rates[i] / 500_000.0 - 1);
            _offset[i] = rates[i] * 7L;
        }
        for (int i = 0; i < Members; i++) _members[i] = new Member(new MemberLease(Floor, t), new AllocatorWatch(Name(i), silence)) { Asks = 0 };
        for (int a = 0; a < Allocators; a++)
        {
            var book = new LeaseBook(t) { Members = Members, TieBreaker = Name(0) };
            for (int i = 0; i < Members; i++) book.Seen(Name(i), SiteName, Floor);
            _allocators[a] = new Allocator(book);
        }
    }

    /// <summary>
    /// What the run reached, to show the property is not vacuous: the largest sum in force, grows taken from an allocator
    /// after another had granted, suspicions of a silent allocator, and those of one that was alive and not cut off
    /// (false: it was stalled, or only its messages were late).
    /// </summary>
    public (int MaxSum, int HandedOverGrows, int Suspicions, int FalseSuspicions) Reached { get; private set; }

    private int _lastGrower = -1;

    public void Run((int Kind, int Who, int A, int B)[] steps)
    {
        foreach (var (kind, who, a, b) in steps)
        {
            switch (kind)
            {
                case 0 or 1 or 2: Advance(a % 1_500 + 1); break;
                case 14 or 15: Advance(a % 6_000); break;
                case 3 or 4 or 5 or 6: Request(who, a, b); break;
                case 8 when b < 40:
                    // A flapping member: it switches between its allocator and another on every tick for a while.
                    _members[who].FlapsWith = a % Allocators;
                    _members[who].FlapsUntil = _now + a % 8_000;
                    break;
                case 7 or 8: Resplit(b % Allocators, who, a % (_budget + 1), a, b); break;
                case 9 or 10 or 11 when _calm: break;
                case 9: if (b < 100) _members[who].StalledUntil = _now + a % 10_000; break;
                case 10:
                    if (b < 20) _allocators[who % Allocators].StalledUntil = _now + a % 8_000;
                    else if (b < 40) _allocators[who % Allocators].CutUntil = _now + a % 10_000; // alive, but nothing reaches it or leaves it
                    break;
                case 11:
                    if (b < 5) _members[who].Crashed = true;
                    else if (b < 10) _allocators[who % Allocators].Killed = true;
                    break;
                case 12: _members[who].Asks = a % Allocators; break;
                case 13:
                    // The view changes for (nearly) everyone at once, as gossiped reachability does: one member may lag behind.
                    for (int i = 0; i < Members; i++)
                    {
                        if (i != who || b % 2 == 0) _members[i].Asks = a % Allocators;
                    }
                    break;
                default: break;
            }
            Check();
        }
        Advance(_t.FloorLengthMs * 3);
    }

    private static string Name(int member) => $"m{member}";

    private static string AllocatorName(int allocator) => $"a{allocator}";

    private long Clock(int who) => _offset[who] + (long)Math.Floor(_now * _rate[who]);

    private long AllocatorClock(int a) => Clock(Members + a);

    // A message is delivered after a delay (most within a quarter of the quorum window, some up to 5 s), or never (b < 25 of 200: about one in eight is
    // lost; and everything to or from an allocator that is cut off). Channels are FIFO.
    private void Send(int from, int to, int delay, int b, Action deliver)
    {
        if (b < 25 || CutOff(from) || CutOff(to)) return;
        long delayMs = 1 + (delay % 100 < 97 ? delay % Math.Max(2, _t.QuorumWindowMs / 4) : delay % 5_000);
        long at = Math.Max(_now + delayMs, _lastDelivery.GetValueOrDefault((from, to)));
        _lastDelivery[(from, to)] = at;
        _inFlight.Add(new Message(at, to, deliver));
    }

    private void Request(int who, int delay, int b, int echoes = 0)
    {
        var m = _members[who];
        if (m.Crashed || _now < m.StalledUntil) return;
        long now = Clock(who);
        Review(who, now);
        if (Elected(who) is not { } a) return;
        m.Watch.Asked(AllocatorName(a), now);
        var other = m.Watch.LastOther(AllocatorName(a));
        var report = new LeaseReport(m.Watch.EchoOf(AllocatorName(a)), other?.StampMs ?? -1, other is { } o ? now - o.AtMs : -1, m.Lease.InForce(now));
        Send(who, Members + a, delay, b, () => Answer(a, who, now, report, delay, b, echoes));
    }

    // The member's view elects m.Asks (the allocators before it are unreachable in that view); suspicion leaves out more:
    // the oldest of the rest that is not suspected, or none.
    private int? Elected(int who)
    {
        var m = _members[who];
        for (int a = m.Asks; a < Allocators; a++)
        {
            if (!m.Watch.IsSuspected(AllocatorName(a))) return a;
        }
        return null;
    }

    private void Review(int who, long now)
    {
        var m = _members[who];
        var before = m.Watch.Suspected.ToHashSet();
        if (!m.Watch.Review(now)) return;
        foreach (var suspected in m.Watch.Suspected.Where(s => !before.Contains(s)))
        {
            var allocator = _allocators[int.Parse(suspected[1..], System.Globalization.CultureInfo.InvariantCulture)];
            bool alive = !allocator.Killed && !CutOff(Members + Array.IndexOf(_allocators, allocator));
            Reached = Reached with { Suspicions = Reached.Suspicions + 1, FalseSuspicions = Reached.FalseSuspicions + (alive ? 1 : 0) };
        }
    }

    private void Answer(int a, int who, long requestedAt, LeaseReport report, int delay, int b, int echoes)
    {
        var allocator = _allocators[a];
        long now = AllocatorClock(a);
        allocator.Book.Requested(Name(who), report, now);
        int? bound = allocator.Book.Renew(Name(who), report.InForce, now);
        allocator.Forget();
        long? epoch = allocator.Book.Epoch;
        Send(Members + a, who, delay * 7 % 20_000, b * 3 % 200, () =>
        {
            var m = _members[who];
            m.Watch.Answered(AllocatorName(a), now, Clock(who));
            if (bound is { } granted) m.Lease.Renewed(AllocatorName(a), epoch!.Value, requestedAt, granted);
            else if (Elected(who) == a && echoes < 3) Request(who, delay * 11 % 20_000, b * 13 % 200, echoes + 1); // a probe is echoed at once
        });
    }

    // The allocator shrinks a member (always allowed: it only lowers) or grows it (only as the book allows).
    private void Resplit(int a, int who, int target, int delay, int b)
    {
        var allocator = _allocators[a];
        if (allocator.Killed || _now < allocator.StalledUntil) return;
        long now = AllocatorClock(a);
        string member = Name(who);
        long seq = ++allocator.Seq;
        if (b % 2 == 0)
        {
            allocator.Shrinking[who] = seq;
            long? epoch = allocator.Book.Epoch;
            Send(Members + a, who, delay, b, () =>
            {
                int applied = _members[who].Lease.Shrink(target);
                Send(who, Members + a, delay * 3 % 20_000, b * 7 % 200, () =>
                {
                    allocator.Forget();
                    if (allocator.Shrinking[who] == seq && allocator.Book.Epoch == epoch)
                    {
                        allocator.Book.Shrunk(member, applied);
                        allocator.Shrinking[who] = null;
                    }
                });
            });
            return;
        }
        allocator.Forget();
        if (allocator.Shrinking[who] is not null || !allocator.Book.MayGrow(member, target, _budget, now)) return;
        allocator.Book.Granted(member, target);
        long growEpoch = allocator.Book.Epoch!.Value;
        Send(Members + a, who, delay, b, () =>
        {
            var lease = _members[who].Lease;
            if (!lease.TakesGrowFrom(AllocatorName(a), growEpoch)) return;
            lease.Grow(target);
            if (_lastGrower >= 0 && _lastGrower != a && target > 0) Reached = Reached with { HandedOverGrows = Reached.HandedOverGrows + 1 };
            _lastGrower = a;
        });
    }

    // Time passes; messages are handled in order of arrival, a stalled actor's once it runs again, a dead one's never;
    // on every tick the members ask for renewals and the allocators may resplit.
    private void Advance(long ms)
    {
        long until = _now + ms;
        while (true)
        {
            Message? next = null;
            foreach (var m in _inFlight)
            {
                if (DueAt(m) <= until && (next is null || DueAt(m) < DueAt(next))) next = m;
            }
            if (next is not null && DueAt(next) < _nextTick)
            {
                _inFlight.Remove(next);
                _now = Math.Max(_now, DueAt(next));
                bool dead = next.To < Members ? _members[next.To].Crashed : _allocators[next.To - Members].Killed;
                if (!dead) next.Deliver();
            }
            else if (_nextTick <= until)
            {
                _now = Math.Max(_now, _nextTick);
                _nextTick += _tickMs;
                Tick();
            }
            else break;
            Check();
        }
        _now = until;
        Check();
    }

    private void Tick()
    {
        for (int i = 0; i < Members; i++)
        {
            var m = _members[i];
            if (_now < m.FlapsUntil) (m.Asks, m.FlapsWith) = (m.FlapsWith, m.Asks);
            Request(i, _random.Next(20_000), _random.Next(200));
        }
        for (int a = 0; a < Allocators; a++)
        {
            if (_random.Next(4) == 0) Resplit(a, _random.Next(Members), _random.Next(_budget * 2 / Members + 1), _random.Next(20_000), _random.Next(200));
        }
    }

    private bool CutOff(int node) => node >= Members && _now < _allocators[node - Members].CutUntil;

    private long DueAt(Message m) => m.To < Members
        ? Math.Max(m.At, _members[m.To].StalledUntil)
        : Math.Max(m.At, _allocators[m.To - Members].StalledUntil);

    private void Check()
    {
        int sum = 0;
        for (int i = 0; i < Members; i++) sum += _members[i].Lease.InForce(Clock(i));
        if (sum > _budget) throw new InvalidOperationException($"caps in force add up to {sum} > {_budget} at {_now} ms: " +
            string.Join(", ", Enumerable.Range(0, Members).Select(i => $"{Name(i)} {_members[i].Lease.InForce(Clock(i))} (grant {_members[i].Lease.Grant}, by {_members[i].Lease.RenewedBy})")));
        if (sum > Reached.MaxSum) Reached = Reached with { MaxSum = sum };
    }

    private sealed record Message(long At, int To, Action Deliver);

    private sealed class Member(MemberLease lease, AllocatorWatch watch)
    {
        public MemberLease Lease { get; } = lease;

        /// <summary>Every allocator's last stamp and when (this member's clock), and whom it suspects of silence.</summary>
        public AllocatorWatch Watch { get; } = watch;

        public int Asks { get; set; }

        public int FlapsWith { get; set; }

        public long FlapsUntil { get; set; }

        public long StalledUntil { get; set; }

        public bool Crashed { get; set; }
    }

    private sealed class Allocator(LeaseBook book)
    {
        private long? _epoch;

        public LeaseBook Book { get; } = book;

        public long?[] Shrinking { get; } = new long?[Members];

        public long Seq { get; set; }

        public long StalledUntil { get; set; }

        public long CutUntil { get; set; }

        public bool Killed { get; set; }

        // A new epoch: the shrinks of the last one no longer say anything about this one's records.
        public void Forget()
        {
            if (Book.Epoch == _epoch) return;
            _epoch = Book.Epoch;
            Array.Clear(Shrinking);
        }
    }
}
