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

    private readonly record struct Step(int Kind, int ElapsedMs);

    /// <summary>
    /// A member that starts a connection only when <see cref="RouterEntryBudget.MayOpen"/> says so never holds
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
