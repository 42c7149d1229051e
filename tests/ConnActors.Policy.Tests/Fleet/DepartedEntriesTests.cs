using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

public class DepartedEntriesTests
{
    [Fact]
    public void A_departed_members_entries_count_for_its_site_until_the_linger_ends()
    {
        var departed = new DepartedEntries(120_000);
        departed.Left("a", "home", 40, nowMs: 1_000);
        departed.Left("b", "office", 7, nowMs: 2_000);
        Assert.Equal(40, departed.HeldAt("home", 120_999));
        Assert.Equal(7, departed.HeldAt("office", 120_999));
        Assert.Equal(0, departed.HeldAt("home", 121_000));
        Assert.Equal(7, departed.HeldAt("office", 121_999));
        Assert.Equal(0, departed.HeldAt("office", 122_000));
    }

    [Fact]
    public void A_member_that_leaves_again_while_its_entries_linger_holds_both()
    {
        var departed = new DepartedEntries(100);
        departed.Left("a", "home", 5, nowMs: 0);
        departed.Left("a", "home", 3, nowMs: 50);
        Assert.Equal(8, departed.HeldAt("home", 149));
        Assert.Equal(0, departed.HeldAt("home", 150));
    }

    [Fact]
    public void Nothing_is_counted_without_entries_or_linger_and_a_negative_linger_is_refused()
    {
        var none = new DepartedEntries(0);
        none.Left("a", "home", 5, 0);
        Assert.Equal(0, none.HeldAt("home", 0));
        var some = new DepartedEntries(10);
        some.Left("a", "home", 0, 0);
        some.Left("b", "home", -3, 0);
        Assert.Equal(0, some.HeldAt("home", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DepartedEntries(-1));
    }

    private readonly record struct Departure(int Member, int Site, int Entries, int ElapsedMs);

    /// <summary>
    /// Against an independent model: a site's departed entries are never fewer than the departures of that
    /// site within the linger (never forgotten early), and count no other site's and no member's whose last
    /// departure from the site is older than the linger.
    /// </summary>
    [Fact]
    public void Held_entries_cover_the_sites_departures_within_the_linger_and_nothing_older()
    {
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 2], Gen.Int[0, 50], Gen.Int[0, 60_000])
            .Select((m, site, entries, elapsed) => new Departure(m, site, entries, elapsed)).Array[1, 200]
            .Select(Gen.Long[1, 200_000])
            .Sample((steps, linger) =>
            {
                var departed = new DepartedEntries(linger);
                var log = new List<(int Member, int Site, int Entries, long At)>();
                long now = 0;
                foreach (var step in steps)
                {
                    now += step.ElapsedMs;
                    departed.Left($"m{step.Member}", $"s{step.Site}", step.Entries, now);
                    log.Add((step.Member, step.Site, step.Entries, now));
                    for (int site = 0; site < 3; site++)
                    {
                        long held = departed.HeldAt($"s{site}", now);
                        long recent = log.Where(d => d.Site == site && d.At + linger > now).Sum(d => (long)d.Entries);
                        long ofMembersStillLingering = log.Where(d => d.Site == site)
                            .GroupBy(d => d.Member).Where(g => g.Last().At + linger > now).Sum(g => g.Sum(d => (long)d.Entries));
                        if (held < recent || held > ofMembersStillLingering) return false;
                    }
                }
                return true;
            });
    }
}
