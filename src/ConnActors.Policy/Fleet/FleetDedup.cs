namespace ConnActors.Policy.Fleet;

/// <summary>
/// Which member keeps a peer that several members hold: the one whose address sorts first. Every member
/// decides the same way, so exactly one keeps it and the others steer it there (never all of them).
/// </summary>
public static class FleetDedup
{
    /// <summary>True when <paramref name="holder"/> keeps a peer that <paramref name="self"/> holds too.</summary>
    public static bool Keeps(string holder, string self) => string.CompareOrdinal(holder, self) < 0;

    /// <summary>True when a member with <paramref name="headroom"/> may take a handed-off peer holding <paramref name="connections"/>.</summary>
    public static bool HasRoomFor(int headroom, int connections) => headroom >= Math.Max(1, connections);
}
