using Akka.Actor;
using Akka.Cluster;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// Which member runs the site allocation: the oldest member that is Up, as the caller sees the membership.
/// Every member runs a <see cref="SiteAllocator"/>; only the elected one allocates, and a Negotiator takes share
/// proposals only from the member it sees elected. When the oldest is downed, the next oldest takes over at that
/// moment, without waiting for the removal and a singleton's hand-over.
/// </summary>
internal static class AllocatorElection
{
    public static Address? Elected(IEnumerable<Member> members) =>
        members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Member.AgeOrdering).FirstOrDefault()?.Address;

    /// <summary>Whether a proposal from <paramref name="sender"/> comes from the elected allocator (a local sender is <paramref name="self"/>).</summary>
    public static bool IsElected(IEnumerable<Member> members, Address self, Address sender) =>
        Elected(members) is { } elected && elected == (sender.HasLocalScope ? self : sender);
}
