namespace ConnActors.Policy.Fleet;

/// <summary>
/// Which member takes a peer that a member must trim: the one with the most headroom below its high water,
/// if that is room enough for the peer's connections (<see cref="FleetDedup.HasRoomFor"/>). Ties go to the
/// first listed, so every caller with the same view picks the same member.
/// </summary>
public static class FleetHandoff
{
    /// <summary>
    /// The index in <paramref name="headrooms"/> (each candidate member's room below high water) of the member
    /// a peer holding <paramref name="connections"/> is handed to, or -1 when none has room for it.
    /// </summary>
    public static int PickTarget(IReadOnlyList<int> headrooms, int connections)
    {
        int best = -1;
        for (int i = 0; i < headrooms.Count; i++)
        {
            if (best < 0 || headrooms[i] > headrooms[best]) best = i;
        }
        return best >= 0 && FleetDedup.HasRoomFor(headrooms[best], connections) ? best : -1;
    }
}
