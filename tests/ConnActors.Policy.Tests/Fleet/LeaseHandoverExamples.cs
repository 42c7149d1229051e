using ConnActors.Policy.Fleet;

namespace ConnActors.Policy.Tests.Fleet;

/// <summary>
/// The hand-over rules of <see cref="LeaseBook"/> and <see cref="MemberLease"/>, each on the counter-example that made it
/// necessary (docs/cluster.md, "The share is a lease"). Allocator clocks in ms; W is the quorum window.
/// </summary>
public class LeaseHandoverExamples
{
    private static readonly ShareLeaseTimings T = new(LengthMs: 6_000, FloorLengthMs: 8_000, MarginMs: 500, QuorumWindowMs: 2_000);

    /// <summary>Five members; every one has echoed this allocator lately and reported when it last heard from another.</summary>
    private static LeaseBook QuorateBook(long nowMs, long otherAgeMs)
    {
        var book = new LeaseBook(T) { Members = 5 };
        for (int i = 0; i < 5; i++)
        {
            book.Seen($"m{i}", "home", 16);
            book.Requested($"m{i}", new LeaseReport(nowMs - 100, 77, otherAgeMs, 40), nowMs);
        }
        return book;
    }

    // Every member echoes again at nowMs, reporting nothing new about other allocators.
    private static void Echo(LeaseBook book, long nowMs)
    {
        for (int i = 0; i < 5; i++) book.Requested($"m{i}", new LeaseReport(nowMs - 100, -1, -1, 40), nowMs);
    }

    /// <summary>
    /// A member that echoed the old allocator just before it switched (the old one may stay quorate for up to W on that
    /// echo, and give away a share whose lease lapsed in its books): the new one renews nothing until then (+ margin),
    /// or its renewal would extend a lease the old one is about to hand out.
    /// </summary>
    [Fact]
    public void A_new_allocator_acts_only_once_the_other_can_no_longer_act()
    {
        // Heard from the other 64 ms ago by the member's clock: at 9,940 at the latest on this one's (drift allowed for).
        var book = QuorateBook(nowMs: 10_000, otherAgeMs: 64);
        Assert.True(book.Quorate(10_000));
        Assert.Null(book.Renew("m1", 40, 10_000));
        Echo(book, 12_439);
        Assert.Null(book.Renew("m1", 40, 12_439));
        Assert.Equal(40, book.Renew("m1", 40, 12_440)); // 9,940 + W + margin
        Assert.Equal(12_440, book.Epoch);
    }

    /// <summary>
    /// A member whose lease lapsed to its floor while the other allocator gave its share away asks the new one: it is
    /// renewed at what it had in force (16), not at its grant (40), which would revive a share someone else now holds.
    /// </summary>
    [Fact]
    public void A_takeover_renews_a_member_at_what_it_had_in_force_not_at_its_grant()
    {
        var book = QuorateBook(nowMs: 10_000, otherAgeMs: 3_200);
        Assert.Equal(16, book.Renew("m1", inForce: 16, 10_000));
        Assert.Equal(40, book.Renew("m2", inForce: 40, 10_000)); // one still in force keeps its share across the hand-over
    }

    /// <summary>
    /// No new split while a member may still hold what the other allocator renewed: its reservation is unknown until the
    /// other's last action + length + margin, its floor until + floor-length + margin.
    /// </summary>
    [Fact]
    public void A_takeover_splits_only_once_what_the_other_left_is_at_most_the_floors()
    {
        // Heard from the other at 7,000 at the latest: it acted until 9,000 at the latest.
        var book = QuorateBook(nowMs: 10_000, otherAgeMs: 3_200);
        Assert.Equal(40, book.Renew("m1", 40, 10_000));
        Echo(book, 15_499);
        Assert.False(book.MaySplit(15_499));
        Assert.Null(book.Reserved("m2", 15_499));
        Assert.False(book.MayGrow("m1", 41, budget: 300, 15_499));
        Echo(book, 15_500);
        Assert.True(book.MaySplit(15_500)); // 9,000 + length + margin
        Assert.Equal(16, book.Reserved("m2", 15_500));
        Assert.Equal(0, book.Reserved("m2", 17_500)); // + floor-length + margin
    }

    /// <summary>
    /// An allocator acting in its epoch hears (through a member's report) that another allocator answered that member
    /// after the epoch began: its records are stale (the other may have renewed or given away since). It forgets its
    /// grants and stops acting until the other can no longer act; so does an old allocator back from a false suspicion.
    /// </summary>
    [Fact]
    public void A_report_of_another_allocator_since_the_epoch_began_is_a_takeover()
    {
        var book = QuorateBook(nowMs: 10_000, otherAgeMs: 3_200);
        Assert.Equal(40, book.Renew("m1", 40, 10_000));
        Assert.Equal(10_000, book.Epoch);
        book.Requested("m3", new LeaseReport(10_400, 78, 100, 40), 11_000); // m3 heard from another at 10,907 at the latest
        Assert.Null(book.Epoch);
        Assert.Null(book.Renew("m1", 40, 11_000));
        Assert.Null(book.Reserved("m1", 11_000)); // its own grant is forgotten: what the other left it is unknown
        Echo(book, 13_407);
        Assert.Equal(16, book.Renew("m1", 16, 13_407)); // 10,907 + W + margin: a new epoch, at what m1 has in force
        Assert.Equal(13_407, book.Epoch);
    }

    /// <summary>
    /// An allocator learns of another's contact only when a member reports it, possibly long after: it may have renewed and
    /// grown members since, and those leases stay in force at the members whatever its book forgets. Its next epoch counts
    /// them until they lapse (the property found the sum 38 over a budget of 26 when it counted them at their floor).
    /// </summary>
    [Fact]
    public void A_book_that_restarts_still_counts_what_it_granted_in_the_epoch_that_ended_until_those_leases_lapse()
    {
        var book = QuorateBook(nowMs: 10_000, otherAgeMs: 3_200);
        Assert.Equal(40, book.Renew("m1", 40, 10_000));
        Echo(book, 15_500);
        Assert.Equal(40, book.Renew("m1", 40, 15_500));
        Assert.True(book.MayGrow("m1", 100, budget: 200, 15_500));
        book.Granted("m1", 100);
        book.Requested("m3", new LeaseReport(15_900, 78, 8_000, 40), 16_000); // heard from another at 8,500: after this epoch began, less W
        Assert.Null(book.Epoch);
        long splitAt = book.OthersActedBy!.Value + T.LengthMs + T.MarginMs;
        Assert.True(splitAt < 15_500 + T.LengthMs + T.MarginMs, $"the example needs a split before m1's lease lapses, at {splitAt}");
        Echo(book, splitAt);
        Assert.True(book.MaySplit(splitAt));
        Assert.Equal(100, book.Reserved("m1", splitAt)); // the grow of the ended epoch, still in force at m1
        Assert.Equal(16, book.Renew("m2", 16, splitAt));
        Assert.False(book.MayGrow("m2", 120, budget: 200, splitAt)); // 100 + 3 floors + 120 > 200
        Assert.Equal(16, book.Reserved("m1", 22_000)); // 15,500 + length + margin: its floor
        Assert.Equal(0, book.Reserved("m1", 24_000)); // + floor-length + margin: nothing
        Assert.True(book.NextChangeMs(splitAt) <= 22_000); // the book looks again by the time m1's earlier lease falls
    }

    /// <summary>The same contact reported again (with a later age estimate) is not news: no takeover.</summary>
    [Fact]
    public void A_contact_reported_again_is_not_a_takeover()
    {
        var book = QuorateBook(nowMs: 10_000, otherAgeMs: 3_200);
        Assert.Equal(40, book.Renew("m1", 40, 10_000));
        book.Requested("m3", new LeaseReport(10_400, 77, 1_000, 40), 11_000); // stamp 77 again, its estimate now later
        Assert.Equal(10_000, book.Epoch);
    }

    /// <summary>
    /// A grow sent in an old epoch arrives after a new allocator renewed the member at its old share: taken, it would
    /// raise a share the new allocator does not count. Only the allocator and epoch that last extended the lease may grow it.
    /// </summary>
    [Fact]
    public void A_member_takes_a_grow_only_from_the_allocator_and_epoch_that_last_extended_its_lease()
    {
        var lease = new MemberLease(16, T);
        lease.Renewed("a", epoch: 1, requestedAtMs: 1_000, bound: 0);
        Assert.True(lease.TakesGrowFrom("a", 1));
        lease.Grow(40);
        lease.Renewed("b", epoch: 5, requestedAtMs: 2_000, bound: 40);
        Assert.False(lease.TakesGrowFrom("a", 1));
        lease.Renewed("a", epoch: 1, requestedAtMs: 1_500, bound: 40); // a late answer to an older request extends nothing
        Assert.False(lease.TakesGrowFrom("a", 1));
        Assert.True(lease.TakesGrowFrom("b", 5));
        lease.Renewed("a", epoch: 9, requestedAtMs: 3_000, bound: 40); // the old allocator back, in a new epoch
        Assert.False(lease.TakesGrowFrom("a", 1));
        Assert.True(lease.TakesGrowFrom("a", 9));
        Assert.Equal(40, lease.InForce(3_000 + T.LengthMs - 1));
        Assert.Equal(16, lease.InForce(3_000 + T.LengthMs));
    }

    /// <summary>
    /// When the book next changes by time alone, so an allocator acts on it then (a dead predecessor's share handed out
    /// as soon as it has lapsed, not up to a tick later): the predecessor can no longer act, then what it may have left
    /// falls to the floor, and a member renewed here stops being live.
    /// </summary>
    [Fact]
    public void The_book_says_when_it_next_changes_by_time_alone()
    {
        var book = QuorateBook(nowMs: 10_000, otherAgeMs: 64);
        long last = book.OthersActedBy!.Value;
        Assert.Equal(last + T.MarginMs, book.NextChangeMs(10_000));
        long acting = last + T.MarginMs;
        Echo(book, acting);
        Assert.NotNull(book.Renew("m0", 40, acting));
        Assert.Equal(last + T.LengthMs + T.MarginMs, book.NextChangeMs(acting));
        long split = last + T.LengthMs + T.MarginMs;
        Assert.Equal(Math.Min(acting + T.LengthMs + T.MarginMs, last + T.FloorLengthMs + T.MarginMs), book.NextChangeMs(split));
        Assert.Null(new LeaseBook(T).NextChangeMs(0));
    }
}
