using Akka.Actor;
using ConnActors.Actors.Time;

namespace ConnActors.Actors.Cluster;

/// <summary>Makes a started node a member of its fleet: its Negotiator, its site allocator, and the join.</summary>
public static class FleetMembership
{
    /// <summary>
    /// Starts the fleet actors next to <paramref name="manager"/> and, with <paramref name="join"/>, joins: the
    /// configured seeds (Akka joins them itself), or a new cluster of this node alone. Returns the Negotiator.
    /// <paramref name="routerEntryLinger"/>: how long a member that left still counts its site's router entries.
    /// </summary>
    public static IActorRef Start(ActorSystem system, ClusterSettings settings, TimeSpan routerEntryLinger, IActorRef manager, IClock clock, bool join = true)
    {
        var negotiator = system.ActorOf(Negotiator.Props(settings, routerEntryLinger, manager, clock), Negotiator.Name);
        system.ActorOf(SiteAllocator.Props(settings.LoadInterval, settings.ShareLease, clock), SiteAllocator.Name);
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (join && settings.SeedNodes.Count == 0) cluster.Join(cluster.SelfAddress);
        return negotiator;
    }
}
