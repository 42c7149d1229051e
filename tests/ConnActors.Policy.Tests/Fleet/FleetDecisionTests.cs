using ConnActors.Policy.Fleet;

namespace ConnActors.Policy.Tests.Fleet;

public class FleetDecisionTests
{
    [Theory]
    [InlineData(3, 2, false, false)] // the majority stays
    [InlineData(3, 1, true, true)] // a minority goes, lowest address or not
    [InlineData(2, 1, true, false)] // of two halves, the one with the lowest address stays
    [InlineData(2, 1, false, true)]
    [InlineData(4, 2, false, true)]
    [InlineData(1, 1, true, false)] // alone and whole
    public void Keep_majority_downs_the_smaller_side_and_of_equal_halves_the_one_without_the_lowest_address(int up, int reachable, bool lowest, bool downed) =>
        Assert.Equal(downed, ResolverSide.WillBeDowned(up, reachable, lowest));

    [Fact]
    public void A_resplit_is_worth_a_round_only_when_a_cap_moves_by_two_slots_and_five_percent_or_a_member_is_new()
    {
        var current = new Dictionary<string, int> { ["a"] = 100, ["b"] = 10 };
        Assert.False(SiteResplit.Worthwhile(new Dictionary<string, int> { ["a"] = 104, ["b"] = 11 }, current));
        Assert.True(SiteResplit.Worthwhile(new Dictionary<string, int> { ["a"] = 105, ["b"] = 10 }, current));
        Assert.True(SiteResplit.Worthwhile(new Dictionary<string, int> { ["a"] = 100, ["b"] = 12 }, current));
        Assert.True(SiteResplit.Worthwhile(new Dictionary<string, int> { ["a"] = 100, ["b"] = 10, ["c"] = 16 }, current));
    }
}
