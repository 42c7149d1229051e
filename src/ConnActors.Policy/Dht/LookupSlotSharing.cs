using ConnActors.Policy.Quotas;

namespace ConnActors.Policy.Dht;

/// <summary>
/// The lookups of one node share its dht quota (<c>dht.share-lookup-slots</c>). A lookup that is refused a slot at the
/// quota's maximum while another lookup of the node holds many takes one of them: that lookup gives up its claim on a peer
/// that already answered it, and the refused query asks again. Without this, the lookup that started first keeps nearly all
/// of a small node's slots until it ends, and one that starts meanwhile cannot dial the peers closest to its key.
/// The connection of a peer given up stays until its own lookup ends; only the claim moves, so the quota's count never
/// passes its maximum.
/// </summary>
public static class LookupSlotSharing
{
    /// <summary>
    /// Whether a running lookup holding <paramref name="candidateHolds"/> slots is the one to give a slot to a lookup holding
    /// <paramref name="takerHolds"/> (not counting the one it was refused), rather than the best giver found so far, holding
    /// <paramref name="bestHolds"/> (-1: none yet). The giver is the lookup that holds the most, and only one that holds at least
    /// two more than the taker, so that two lookups end about even and a slot never moves back and forth between them.
    /// </summary>
    public static bool IsBetterGiver(int candidateHolds, int bestHolds, int takerHolds) =>
        candidateHolds >= takerHolds + 2 && candidateHolds > bestHolds;

    /// <summary>
    /// Whether a query refused a dht slot for <paramref name="refusal"/> may ask a running lookup of its node to give it one,
    /// having been given one already after a refusal for <paramref name="givenFor"/> (null: none yet). A refusal at the quota's
    /// maximum and one for want of room are met once each, in that order: a slot given at the maximum moves only a claim, so
    /// the query that asks again may find the node full, and then it asks for room (without this, a full small node's third
    /// lookup could lose the peer closest to its key). A query refused again for what was already met asks no more: what it
    /// was given went to someone else meanwhile, and taking again would only move slots around.
    /// </summary>
    public static bool MayAskToShare(SlotOutcome refusal, SlotOutcome? givenFor) => refusal switch
    {
        SlotOutcome.DeniedAtMaximum => givenFor is null,
        SlotOutcome.DeniedNoCapacity => givenFor is null or SlotOutcome.DeniedAtMaximum,
        _ => false,
    };
}
