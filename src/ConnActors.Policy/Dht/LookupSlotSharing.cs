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
    /// Whether a lookup holding <paramref name="takerHolds"/> slots (not counting the one it was refused) may take one from a
    /// lookup holding <paramref name="giverHolds"/>: only from one that holds at least two more, so that two lookups end about
    /// even and a slot never moves back and forth between them.
    /// </summary>
    public static bool MayTakeFrom(int giverHolds, int takerHolds) => giverHolds >= takerHolds + 2;
}
