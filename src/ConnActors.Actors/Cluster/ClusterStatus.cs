using ConnActors.Actors.Messaging;

namespace ConnActors.Actors.Cluster;

/// <summary>Asks a Negotiator for the fleet as it sees it; answered with <see cref="ClusterStatus"/>.</summary>
public sealed record GetClusterStatus : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static GetClusterStatus Instance { get; } = new();
}

/// <summary>The fleet as one member sees it.</summary>
public sealed record ClusterStatus(string Self, IReadOnlyList<ClusterMemberStatus> Members, IReadOnlyList<SiteStatus> Sites, IReadOnlyDictionary<string, long> Counters) : IConnActorsMessage;

/// <summary>A member: its cluster address, status, roles, site, hard cap in force, connections, and whether it is reachable from here.</summary>
public sealed record ClusterMemberStatus(string Address, string Status, IReadOnlyList<string> Roles, string Site, int HardCap, int Connections, bool Reachable) : IConnActorsMessage;

/// <summary>A site: its budget and each member's share.</summary>
public sealed record SiteStatus(string Name, int Budget, IReadOnlyDictionary<string, int> Allocations) : IConnActorsMessage;
