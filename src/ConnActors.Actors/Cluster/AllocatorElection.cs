using Akka.Actor;
using Akka.Cluster;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// Which member runs the site allocation, as the caller sees the cluster: the oldest member that is Up, not downed and
/// reachable from the caller (the caller is always reachable to itself). Every member runs a <see cref="SiteAllocator"/>;
/// only the one elected in its own view allocates, and a Negotiator asks (and takes proposals from) the one it sees
/// elected. When the oldest becomes unreachable, the next oldest takes over at once, without waiting for the resolver
/// to down it. Two members may then both believe they allocate (a false suspicion): the budget never rests on the
/// election but on the leases' quorum rules (<see cref="Policy.Fleet.LeaseBook"/>).
/// </summary>
internal static class AllocatorElection
{
    public static Address? Elected(IEnumerable<Member> members, Address self, Func<Address, bool> reachable) =>
        members.Where(m => m.Status == MemberStatus.Up && (m.Address == self || reachable(m.Address)))
            .OrderBy(m => m, Member.AgeOrdering).FirstOrDefault()?.Address;

    /// <summary>Whether a message from <paramref name="sender"/> comes from the elected allocator (a local sender is <paramref name="self"/>).</summary>
    public static bool IsElected(IEnumerable<Member> members, Address self, Func<Address, bool> reachable, Address sender) =>
        Elected(members, self, reachable) is { } elected && elected == (sender.HasLocalScope ? self : sender);
}
