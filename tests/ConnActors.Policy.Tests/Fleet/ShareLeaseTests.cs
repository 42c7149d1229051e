using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

public class ShareLeaseTests
{
    private static readonly ShareLeaseTimings Timings = new(LengthMs: 4_000, FloorLengthMs: 15_000, MarginMs: 500);

    [Fact]
    public void The_cap_in_force_is_the_grant_then_the_floor_then_nothing()
    {
        Assert.Equal(60, ShareLease.EffectiveCap(60, 16, leaseFromMs: 1_000, nowMs: 4_999, Timings));
        Assert.Equal(16, ShareLease.EffectiveCap(60, 16, 1_000, 5_000, Timings));
        Assert.Equal(16, ShareLease.EffectiveCap(60, 16, 1_000, 15_999, Timings));
        Assert.Equal(0, ShareLease.EffectiveCap(60, 16, 1_000, 16_000, Timings));
        Assert.Equal(10, ShareLease.EffectiveCap(10, 16, 1_000, 6_000, Timings)); // a grant below the floor is kept as it is
    }

    [Fact]
    public void The_allocator_counts_a_share_held_until_the_lease_and_the_margin_have_passed_on_its_clock()
    {
        Assert.Equal(60, ShareLease.HeldAtMost(60, 16, lastAnsweredMs: 1_000, nowMs: 5_499, Timings));
        Assert.Equal(16, ShareLease.HeldAtMost(60, 16, 1_000, 5_500, Timings));
        Assert.Equal(0, ShareLease.HeldAtMost(60, 16, 1_000, 16_500, Timings));
        Assert.Equal(5_500, ShareLease.NextLapse(60, 16, 1_000, 2_000, Timings));
        Assert.Equal(16_500, ShareLease.NextLapse(60, 16, 1_000, 5_500, Timings));
        Assert.Null(ShareLease.NextLapse(60, 16, 1_000, 16_500, Timings));
        Assert.True(ShareLease.Live(1_000, 5_499, Timings));
        Assert.False(ShareLease.Live(1_000, 5_500, Timings));
    }

    [Fact]
    public void A_renewal_never_shortens_the_lease_nor_raises_the_grant()
    {
        Assert.Equal(9_000, ShareLease.Renewed(9_000, requestedAtMs: 7_000));
        Assert.Equal(9_500, ShareLease.Renewed(9_000, 9_500));
        Assert.Equal(16, ShareLease.Bounded(60, 16));
        Assert.Equal(40, ShareLease.Bounded(40, 60));
        Assert.Equal(0, ShareLease.Bounded(40, -3));
    }

    [Fact]
    public void Timings_that_cannot_work_are_refused_naming_the_setting_at_fault_and_the_other_one()
    {
        static (string Setting, string Reason)? Check(long length, long floor, long margin, long renew) => ShareLeaseTimings.Invalid(length, floor, margin, renew, n => $"<{n}>");
        Assert.Null(Check(4_000, 15_000, 500, 1_000));
        Assert.Equal("floor-length", Check(4_000, 3_000, 500, 1_000)!.Value.Setting);
        Assert.Contains("<length>", Check(4_000, 3_000, 500, 1_000)!.Value.Reason);
        Assert.Equal("renew-interval", Check(4_000, 15_000, 500, 2_500)!.Value.Setting);
        Assert.Equal("margin", Check(4_000, 15_000, 10, 1_000)!.Value.Setting);
        Assert.Contains("<floor-length>", Check(4_000, 15_000, 10, 1_000)!.Value.Reason);
        Assert.Equal(("length", "must be positive"), Check(0, 15_000, 500, 1_000));
    }

    /// <summary>
    /// The invariant the lease exists for. A site of members and one allocator exchange requests, renewals, shrinks,
    /// acknowledgements and grows over channels that delay messages arbitrarily and lose them (partitions; one
    /// channel stays in order, as Akka.Remote keeps one sender's messages to one receiver in order, losing some);
    /// members and the allocator stall for arbitrary times, members crash, and every clock runs at its own rate
    /// within the drift the margin covers. The allocator follows only the lease rules: it grows a member only while
    /// the others' <see cref="ShareLease.HeldAtMost"/> leave room, and it bounds every renewal by what it still
    /// reserves. After every event, the caps in force (<see cref="ShareLease.EffectiveCap"/>, each on its member's
    /// clock, whatever its actor did) add up to at most the budget; between events they can only fall.
    /// </summary>
    [Fact]
    public void The_caps_in_force_never_add_up_to_more_than_the_budget_whatever_the_delays_stalls_and_crashes()
    {
        var timings = Gen.Select(Gen.Int[200, 5_000], Gen.Int[0, 10_000], Gen.Int[10, 1_000])
            .Select((length, extra, margin) => new ShareLeaseTimings(length, length + extra, margin + (length + extra) / 200));
        var step = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 3], Gen.Int[0, 20_000], Gen.Int[0, 200]);
        Gen.Select(timings, Gen.Int[20, 300], Gen.Int[0, 1_000_000].Array[5], step.Array[1, 300])
            .Sample((t, budget, rates, steps) => new Site(t, budget, rates).Run(steps), iter: 2_000);
    }

    /// <summary>One site as the property above plays it; throws when the caps in force exceed the budget.</summary>
    private sealed class Site
    {
        private const int Members = 4;
        private const int Floor = 8;
        private readonly ShareLeaseTimings _t;
        private readonly int _budget;
        private readonly double[] _rate = new double[Members + 1]; // the allocator's clock is the last
        private readonly long[] _offset = new long[Members + 1];
        private readonly Member[] _members = new Member[Members];
        private readonly int[] _granted = new int[Members];
        private readonly long[] _answered = new long[Members];
        private readonly bool[] _shrinking = new bool[Members];
        private readonly long[] _seq = new long[Members];
        private readonly long[] _lastDelivery = new long[Members * 2];
        private readonly List<Message> _inFlight = [];
        private long _allocatorStalledUntil;
        private long _now;

        public Site(ShareLeaseTimings t, int budget, int[] rates)
        {
            _t = t;
            _budget = budget;
            // Clocks may differ in rate by up to what the margin covers (less the clocks' 1 ms resolution).
            double rho = Math.Max(0, (t.MarginMs - 4.0) / (2.2 * t.FloorLengthMs));
            for (int i = 0; i <= Members; i++)
            {
                _rate[i] = 1 + rho * (rates[i] / 500_000.0 - 1);
                _offset[i] = rates[i] * 7L;
            }
            for (int i = 0; i < Members; i++)
            {
                _members[i] = new Member();
                _answered[i] = Clock(Members);
            }
        }

        public void Run((int Kind, int Who, int A, int B)[] steps)
        {
            foreach (var (kind, who, a, b) in steps)
            {
                switch (kind)
                {
                    case 0 or 1 or 2: Advance(a % 3_000 + 1); break;
                    case 3: Request(who, a, b); break;
                    case 4: Resplit(who, a % (_budget + 1), a, b); break;
                    case 5: _members[who].StalledUntil = _now + a; break;
                    case 6: _allocatorStalledUntil = _now + a % 8_000; break;
                    case 7: if (b < 10) _members[who].Crashed = true; break;
                    default: Advance(a); break;
                }
                Check();
            }
            Advance(_t.FloorLengthMs * 3);
        }

        private long Clock(int who) => _offset[who] + (long)Math.Floor(_now * _rate[who]);

        // A message is delivered after delay, or never (b < 25 of 200: about one in eight is lost).
        private void Send(int channel, int delayMs, int b, Action deliver)
        {
            if (b < 25) return;
            long at = Math.Max(_now + delayMs, _lastDelivery[channel]);
            _lastDelivery[channel] = at;
            _inFlight.Add(new Message(at, channel, deliver));
        }

        private void Request(int who, int delay, int b)
        {
            var m = _members[who];
            if (m.Crashed || _now < m.StalledUntil) return;
            long stamp = Clock(who);
            Send(Members + who, delay % 5_000, b, () => Answer(who, stamp, delay, b));
        }

        private void Answer(int who, long stamp, int delay, int b)
        {
            long now = Clock(Members);
            _granted[who] = ShareLease.HeldAtMost(_granted[who], Floor, _answered[who], now, _t);
            _answered[who] = now;
            int bound = _granted[who];
            Send(who, (delay * 7) % 5_000, (b * 3) % 200, () => _members[who].Renewed(stamp, bound));
        }

        private void Resplit(int who, int target, int delay, int b)
        {
            if (_now < _allocatorStalledUntil) return;
            long now = Clock(Members);
            int held = ShareLease.HeldAtMost(_granted[who], Floor, _answered[who], now, _t);
            long seq = ++_seq[who];
            if (target < held)
            {
                _shrinking[who] = true;
                Send(who, delay % 5_000, b, () =>
                {
                    int applied = _members[who].Shrink(seq, target);
                    if (applied >= 0) Send(Members + who, (delay * 3) % 5_000, (b * 7) % 200, () => Acked(who, seq, applied));
                });
                return;
            }
            int others = Enumerable.Range(0, Members).Where(j => j != who).Sum(j => ShareLease.HeldAtMost(_granted[j], Floor, _answered[j], now, _t));
            if (_shrinking[who] || others + target > _budget) return;
            _granted[who] = target;
            Send(who, delay % 5_000, b, () => _members[who].Grow(seq, target));
        }

        private void Acked(int who, long seq, int applied)
        {
            if (seq != _seq[who]) return;
            _granted[who] = Math.Min(_granted[who], applied);
            _shrinking[who] = false;
        }

        // Time passes; messages are handled in order of arrival, a stalled actor's once it runs again.
        private void Advance(long ms)
        {
            long until = _now + ms;
            while (true)
            {
                var next = _inFlight.Where(m => DueAt(m) <= until).OrderBy(DueAt).FirstOrDefault();
                if (next is null) break;
                _inFlight.Remove(next);
                _now = Math.Max(_now, DueAt(next));
                if (next.Channel >= Members || !_members[next.Channel].Crashed) next.Deliver();
                Check();
            }
            _now = until;
            Check();
        }

        private long DueAt(Message m) => m.Channel >= Members
            ? Math.Max(m.At, _allocatorStalledUntil)
            : Math.Max(m.At, _members[m.Channel].StalledUntil);

        private void Check()
        {
            int sum = 0;
            for (int i = 0; i < Members; i++) sum += ShareLease.EffectiveCap(_members[i].Grant, Floor, _members[i].LeaseFrom, Clock(i), _t);
            if (sum > _budget) throw new InvalidOperationException($"caps in force add up to {sum} > {_budget} at {_now} ms");
        }

        private sealed record Message(long At, int Channel, Action Deliver);

        private sealed class Member
        {
            private long _seq;

            public int Grant { get; private set; }

            public long LeaseFrom { get; private set; } = long.MinValue / 4;

            public long StalledUntil { get; set; }

            public bool Crashed { get; set; }

            public void Renewed(long stamp, int bound)
            {
                LeaseFrom = ShareLease.Renewed(LeaseFrom, stamp);
                Grant = ShareLease.Bounded(Grant, bound);
            }

            public int Shrink(long seq, int cap)
            {
                if (seq < _seq) return -1;
                _seq = seq;
                Grant = Math.Min(Grant, cap);
                return Grant;
            }

            public void Grow(long seq, int cap)
            {
                if (seq < _seq) return;
                _seq = seq;
                Grant = cap;
            }
        }
    }
}

public class LeaseQuorumTests
{
    private static readonly ShareLeaseTimings Timings = new(4_000, 15_000, 500);

    [Fact]
    public void An_allocator_is_quorate_only_while_a_majority_echoed_it_within_a_lease_length()
    {
        Assert.True(LeaseQuorum.Quorate([9_000, 8_000], members: 3, nowMs: 10_000, Timings));
        Assert.False(LeaseQuorum.Quorate([9_000, 5_000], 3, 10_000, Timings)); // one echo is older than 4 s
        Assert.False(LeaseQuorum.Quorate([9_000, 9_500], 4, 10_000, Timings)); // half is not a majority
        Assert.False(LeaseQuorum.Quorate([], 0, 10_000, Timings));
    }

    [Fact]
    public void A_predecessors_leases_are_bounded_once_a_majority_said_when_it_last_heard_from_it()
    {
        Assert.Null(LeaseQuorum.PredecessorAnsweredBy([1_000], members: 3, Timings));
        Assert.Equal(6_000, LeaseQuorum.PredecessorAnsweredBy([1_000, 2_000], 3, Timings));
        Assert.Null(LeaseQuorum.PredecessorAnsweredBy([1_000, 2_000], 4, Timings));
    }

    /// <summary>
    /// The quorum-intersection argument behind <see cref="LeaseQuorum.PredecessorAnsweredBy"/>: whatever majorities the
    /// predecessor had fresh echoes from, its last renewal was no later than the bound computed from any majority's
    /// last renewals from it.
    /// </summary>
    [Fact]
    public void No_quorate_predecessor_renews_after_the_bound()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Long[0, 60_000].Array[7], Gen.Int[0, 127], Gen.Int[0, 127], Gen.Long[0, 80_000])
            .Sample((n, lastReceived, quorumMask, successorMask, renewAt) =>
            {
                // lastReceived[m]: when member m last received a renewal from the predecessor; an echo it sent is at most that.
                var quorum = Enumerable.Range(0, n).Where(m => (quorumMask >> m & 1) == 1).ToList();
                bool quorate = LeaseQuorum.Quorate(quorum.Select(m => lastReceived[m]), n, renewAt, Timings);
                var successors = Enumerable.Range(0, n).Where(m => (successorMask >> m & 1) == 1).Select(m => lastReceived[m]).ToList();
                if (!quorate || LeaseQuorum.PredecessorAnsweredBy(successors, n, Timings) is not { } bound) return true;
                return renewAt <= bound;
            });
    }
}
