using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

public class SiteAllocationTests
{
    private static readonly Gen<SiteMember> AnyMember =
        Gen.Select(Gen.Int[0, 999], Gen.Int[0, 500], Gen.Int[0, 60], Gen.Int[0, 30], Gen.Int[8, 400],
            (a, demand, floor, friends, max) => new SiteMember($"akka.tcp://fleet@10.0.0.{a}:4053", demand, floor, friends, max));

    private static readonly Gen<(int Budget, SiteMember[] Members)> AnySite =
        Gen.Select(Gen.Int[0, 2_000], AnyMember.Array[1, 12]).Where(s => s.Item2.Select(m => m.Address).Distinct().Count() == s.Item2.Length);

    [Fact]
    public void The_caps_never_add_up_to_more_than_the_budget_nor_exceed_a_members_maximum() =>
        AnySite.Sample(site =>
        {
            var split = SiteAllocation.Allocate(site.Budget, site.Members);
            Assert.True(split.Total <= site.Budget, $"{split.Total} > {site.Budget}");
            foreach (var m in site.Members) Assert.InRange(split.Caps[m.Address], 0, Math.Max(0, m.MaxCap));
        }, iter: 2_000);

    [Fact]
    public void Every_member_computes_the_same_split_whatever_order_it_sees_the_members_in() =>
        Gen.Select(AnySite, Gen.Int).Sample((site, seed) =>
        {
            var shuffled = site.Members.OrderBy(m => HashCode.Combine(m.Address, seed)).ToArray();
            Assert.Equal(SiteAllocation.Allocate(site.Budget, site.Members).Caps.OrderBy(c => c.Key),
                SiteAllocation.Allocate(site.Budget, shuffled).Caps.OrderBy(c => c.Key));
        }, iter: 1_000);

    [Fact]
    public void When_the_floors_fit_every_member_gets_its_floor_and_its_friends_and_the_rest_is_max_min_fair() =>
        AnySite.Sample(site =>
        {
            var split = SiteAllocation.Allocate(site.Budget, site.Members);
            if (split.Shortfall is not null) return;
            int Base(SiteMember m) => Math.Min(m.MaxCap, Math.Max(SiteAllocation.MinimumCap, Math.Max(m.Floor, m.Friends)));
            foreach (var m in site.Members) Assert.True(split.Caps[m.Address] >= Base(m));
            // Max-min: a member whose demand is unmet never has less above its base than another has above its own, less one slot.
            foreach (var starved in site.Members.Where(m => split.Caps[m.Address] < Math.Min(m.Demand, m.MaxCap)))
            {
                int starvedExtra = split.Caps[starved.Address] - Base(starved);
                foreach (var other in site.Members)
                    Assert.True(split.Caps[other.Address] - Base(other) <= starvedExtra + 1,
                        $"{other.Address} got {split.Caps[other.Address] - Base(other)} above its base while {starved.Address} got {starvedExtra} with demand unmet");
            }
            // Nothing is left over while some member's demand is unmet.
            if (site.Members.Any(m => split.Caps[m.Address] < Math.Min(m.Demand, m.MaxCap))) Assert.Equal(site.Budget, split.Total);
        }, iter: 2_000);

    [Fact]
    public void A_budget_below_the_floors_gives_the_members_that_fit_their_floor_and_says_who_got_nothing()
    {
        var members = new[] { new SiteMember("a", 100, 40, 0, 200), new SiteMember("b", 100, 40, 0, 200), new SiteMember("c", 100, 40, 0, 200) };
        var split = SiteAllocation.Allocate(100, members);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 50, ["b"] = 50, ["c"] = 0 }, split.Caps);
        Assert.Contains("c get no share", split.Shortfall);
    }

    [Fact]
    public void A_busy_member_gets_what_the_idle_ones_do_not_need()
    {
        var split = SiteAllocation.Allocate(300, [new SiteMember("busy", 1_000, 16, 0, 1_000), new SiteMember("idle", 20, 16, 0, 1_000), new SiteMember("idle2", 30, 16, 4, 1_000)]);
        Assert.Equal(new Dictionary<string, int> { ["busy"] = 250, ["idle"] = 20, ["idle2"] = 30 }, split.Caps);
        Assert.Equal(new Dictionary<string, int> { ["busy"] = 650, ["idle"] = 170, ["idle2"] = 180 }, SiteAllocation.Allocate(1_000, [new SiteMember("busy", 500, 16, 0, 1_000), new SiteMember("idle", 20, 16, 0, 1_000), new SiteMember("idle2", 30, 16, 4, 1_000)]).Caps);
    }

    [Fact]
    public void Fleet_ownership_moves_only_the_friends_of_a_member_that_left() =>
        Gen.Select(Gen.Int[2, 8], Gen.String.Array[1, 50]).Sample((count, all) =>
        {
            var peers = all.Distinct().ToArray();
            var members = Enumerable.Range(0, count).Select(i => $"member-{i}").ToList();
            var before = peers.ToDictionary(p => p, p => FleetOwnership.OwnerOf(p, members), StringComparer.Ordinal);
            var gone = members[^1];
            var after = peers.ToDictionary(p => p, p => FleetOwnership.OwnerOf(p, members.Take(count - 1)), StringComparer.Ordinal);
            foreach (var peer in peers)
            {
                if (before[peer] != gone) Assert.Equal(before[peer], after[peer]);
                else Assert.NotEqual(gone, after[peer]);
            }
        }, iter: 500);
}
