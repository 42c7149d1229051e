using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

public class RouterEntryBudgetTests
{
    [Fact]
    public void Open_pending_and_lingering_entries_all_count_against_the_share()
    {
        Assert.Equal(4, RouterEntryBudget.Headroom(10, open: 3, pending: 1, lingering: 2));
        Assert.True(RouterEntryBudget.MayOpen(10, 3, 1, 5));
        Assert.False(RouterEntryBudget.MayOpen(10, 3, 1, 6));
        Assert.Equal(0, RouterEntryBudget.Headroom(10, 20, 0, 0));
        Assert.Equal(0, RouterEntryBudget.Headroom(int.MinValue, int.MaxValue, int.MaxValue, int.MaxValue));
    }

    [Fact]
    public void A_lone_node_caps_its_connections_at_half_its_router_entries_when_that_is_below_its_profile()
    {
        Assert.Equal(115, RouterEntryBudget.HardCapFor(routerEntries: 230, profileHardCap: 192));
        Assert.Equal(192, RouterEntryBudget.HardCapFor(routerEntries: 921, profileHardCap: 192));
        Assert.Equal(SiteAllocation.MinimumCap, RouterEntryBudget.HardCapFor(routerEntries: 3, profileHardCap: 48));
        Assert.Throws<ArgumentOutOfRangeException>(() => RouterEntryBudget.HardCapFor(0, 192));
        Assert.Throws<ArgumentOutOfRangeException>(() => RouterEntryBudget.HardCapFor(100, 0));
    }

    [Fact]
    public void A_lone_node_s_cap_leaves_half_its_router_entries_for_lingering_ends()
    {
        Gen.Select(Gen.Int[16, 100_000], Gen.Int[1, 100_000]).Sample((entries, profile) =>
        {
            int cap = RouterEntryBudget.HardCapFor(entries, profile);
            return cap <= profile && cap * 2 <= entries && (cap == profile || cap == entries / 2);
        });
    }

    [Fact]
    public void An_ended_entry_lingers_exactly_the_linger()
    {
        var lingering = new LingeringEntries(120_000);
        lingering.Ended(1_000);
        lingering.Ended(2_000);
        Assert.Equal(2, lingering.Count(120_999));
        Assert.Equal(1, lingering.Count(121_000));
        Assert.Equal(0, lingering.Count(122_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LingeringEntries(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LingeringEntries(1, 0));
    }

    [Fact]
    public void An_end_reported_out_of_order_lingers_longer_never_shorter()
    {
        var lingering = new LingeringEntries(100);
        lingering.Ended(50);
        lingering.Ended(10);
        Assert.Equal(2, lingering.Count(149));
        Assert.Equal(0, lingering.Count(150));
    }

    [Fact]
    public void Beyond_its_share_a_member_borrows_only_while_the_site_is_below_its_budget()
    {
        Assert.True(RouterEntryBudget.MayOpen(share: 10, open: 9, pending: 0, lingering: 0, siteBudget: 0, othersHeld: 1_000));
        Assert.True(RouterEntryBudget.MayOpen(10, 8, 0, 4, siteBudget: 40, othersHeld: 27));
        Assert.False(RouterEntryBudget.MayOpen(10, 8, 0, 4, siteBudget: 40, othersHeld: 28));
        Assert.False(RouterEntryBudget.MayOpen(10, 8, 0, 4, siteBudget: 0, othersHeld: 0));
    }

    private readonly record struct SiteStep(int Member, int Kind, int ElapsedMs);

    /// <summary>
    /// Members of a site opening, failing and closing at random, each gated by the borrowing
    /// <see cref="RouterEntryBudget.MayOpen(int, int, int, int, int, long)"/> with the others' entries as
    /// they are: a member below its share is never refused, an entry beyond a member's share is only ever
    /// taken while the site holds less than its budget, and the site never holds more than the budget plus
    /// the shares (the most members can add within their shares once others borrowed the rest).
    /// </summary>
    [Fact]
    public void Borrowing_never_refuses_a_member_its_share_and_fills_the_site_only_to_its_budget()
    {
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 20_000]).Select((m, kind, elapsed) => new SiteStep(m, kind, elapsed)).Array[1, 400]
            .Select(Gen.Int[1, 20].Array[4], Gen.Int[0, 40], Gen.Long[1, 120_000])
            .Sample((steps, shares, spare, linger) =>
            {
                int budget = shares.Sum() + spare;
                var lingering = Enumerable.Range(0, 4).Select(_ => new LingeringEntries(linger)).ToArray();
                var open = new int[4];
                long now = 0;
                foreach (var step in steps)
                {
                    now += step.ElapsedMs;
                    int m = step.Member;
                    int Held(int i) => open[i] + lingering[i].Count(now);
                    long others = Enumerable.Range(0, 4).Where(i => i != m).Sum(i => (long)Held(i));
                    if (step.Kind <= 1)
                    {
                        bool may = RouterEntryBudget.MayOpen(shares[m], open[m], 0, lingering[m].Count(now), budget, others);
                        if (!may && Held(m) < shares[m]) return false;
                        if (may && Held(m) >= shares[m] && Held(m) + others >= budget) return false;
                        if (may) open[m]++;
                    }
                    else if (open[m] > 0)
                    {
                        open[m]--;
                        lingering[m].Ended(now);
                    }
                    if (Enumerable.Range(0, 4).Sum(Held) > budget + shares.Sum()) return false;
                }
                return true;
            });
    }

    private readonly record struct Step(int Kind, int ElapsedMs);

    /// <summary>
    /// A member that starts a connection only when <see cref="RouterEntryBudget.MayOpen(int, int, int, int)"/> says so never holds
    /// more router entries than its share, counted by an independent model (every open connection, every
    /// attempt in flight, every ended one for the linger), whatever it opens, fails and closes when.
    /// </summary>
    [Fact]
    public void Gated_opens_never_hold_more_entries_than_the_share()
    {
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 30_000]).Select((kind, elapsed) => new Step(kind, elapsed)).Array[1, 500]
            .Select(Gen.Int[1, 40], Gen.Long[0, 200_000])
            .Sample((steps, share, linger) =>
            {
                var lingering = new LingeringEntries(linger);
                var ended = new List<long>();
                int open = 0, pending = 0;
                long now = 0;
                foreach (var step in steps)
                {
                    now += step.ElapsedMs;
                    switch (step.Kind)
                    {
                        case 0 or 1:
                            if (RouterEntryBudget.MayOpen(share, open, pending, lingering.Count(now))) pending++;
                            break;
                        case 2 when pending > 0: pending--; open++; break;
                        case 3 when pending > 0: pending--; lingering.Ended(now); ended.Add(now); break;
                        case 4 when open > 0: open--; lingering.Ended(now); ended.Add(now); break;
                    }
                    int modelLingering = ended.Count(at => at + linger > now);
                    if (lingering.Count(now) != modelLingering) return false;
                    if (open + pending + modelLingering > share) return false;
                }
                return true;
            });
    }
}
