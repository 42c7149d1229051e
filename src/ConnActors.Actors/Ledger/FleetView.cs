using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Ledger;

/// <summary>A fleet member that may take a trimmed peer: where to reach it, how much room it has, and the subsystems it has free slots in.</summary>
internal sealed record FleetTarget(string Member, Multiaddr Address, int Headroom, IReadOnlyCollection<string> OpenSubsystems);

/// <summary>
/// What the ledger needs to know of the rest of the fleet: the peers held by another member that keeps
/// them (with that member's address, for the bye that steers a duplicate there), and the members with
/// room for a handoff. Replaced whole each time the Negotiator learns more.
/// </summary>
internal sealed record FleetView(IReadOnlyDictionary<PeerId, Multiaddr> HeldElsewhere, IReadOnlyList<FleetTarget> Targets)
{
    /// <summary>The budget of this member's site (0: none, or not known yet: the member keeps to its own share).</summary>
    public int SiteBudget { get; init; }

    /// <summary>The router entries the other members of the site last reported (about one load interval old), and those members that left it still hold.</summary>
    public long SiteEntriesElsewhere { get; init; }

    public static FleetView Empty { get; } = new(new Dictionary<PeerId, Multiaddr>(), []);
}
