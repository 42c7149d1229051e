using ConnActors.Policy.Dht;
using ConnActors.Policy.Quotas;

namespace ConnActors.Policy.Tests.Dht;

public class LookupSlotSharingTests
{
    [Theory]
    [InlineData(2, -1, 0, true)]   // the first lookup that holds two more than the taker
    [InlineData(1, -1, 0, false)]  // one more is not enough: the slot would move back at the next refusal
    [InlineData(5, 4, 3, true)]    // holds more than the best so far
    [InlineData(4, 4, 0, false)]   // a tie keeps the giver found first
    [InlineData(3, 7, 0, false)]   // holds less than the best so far
    public void The_giver_is_the_lookup_that_holds_the_most_and_at_least_two_more_than_the_taker(int candidate, int best, int taker, bool better) =>
        Assert.Equal(better, LookupSlotSharing.IsBetterGiver(candidate, best, taker));

    [Fact]
    public void Sharing_ends_with_two_lookups_about_even_and_never_moves_a_slot_back()
    {
        for (int total = 0; total <= 60; total++)
        {
            // One lookup holds everything; the other keeps being refused and takes while the rule lets it.
            int giver = total, taker = 0;
            while (LookupSlotSharing.IsBetterGiver(giver, -1, taker)) (giver, taker) = (giver - 1, taker + 1);
            Assert.InRange(giver - taker, 0, 1);
            Assert.False(LookupSlotSharing.IsBetterGiver(taker, -1, giver), $"at {giver}/{taker} the slot would move back");
        }
    }

    [Theory]
    [InlineData(SlotOutcome.DeniedAtMaximum, null, true)]
    [InlineData(SlotOutcome.DeniedNoCapacity, null, true)]
    // Given a claim at the maximum, the query asking again found the node full: it asks for room.
    [InlineData(SlotOutcome.DeniedNoCapacity, SlotOutcome.DeniedAtMaximum, true)]
    [InlineData(SlotOutcome.DeniedAtMaximum, SlotOutcome.DeniedAtMaximum, false)]
    [InlineData(SlotOutcome.DeniedNoCapacity, SlotOutcome.DeniedNoCapacity, false)]
    [InlineData(SlotOutcome.DeniedAtMaximum, SlotOutcome.DeniedNoCapacity, false)]
    [InlineData(SlotOutcome.Granted, null, false)]
    [InlineData(SlotOutcome.Borrowed, null, false)]
    public void A_query_asks_to_share_once_at_the_maximum_then_once_for_room(SlotOutcome refusal, SlotOutcome? givenFor, bool asks) =>
        Assert.Equal(asks, LookupSlotSharing.MayAskToShare(refusal, givenFor));

    [Fact]
    public void A_query_refused_over_and_over_asks_to_share_at_most_twice()
    {
        SlotOutcome[] refusals = [SlotOutcome.DeniedAtMaximum, SlotOutcome.DeniedNoCapacity];
        // Every sequence of refusals (each answered by a share while the rule lets the query ask): it stops within two.
        for (int bits = 0; bits < 1 << 6; bits++)
        {
            SlotOutcome? givenFor = null;
            int asked = 0;
            for (int i = 0; i < 6 && LookupSlotSharing.MayAskToShare(refusals[(bits >> i) & 1], givenFor); i++)
            {
                givenFor = refusals[(bits >> i) & 1];
                asked++;
            }
            Assert.InRange(asked, 1, 2);
        }
    }
}
