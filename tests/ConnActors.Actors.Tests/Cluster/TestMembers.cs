using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Util;
using ConnActors.Actors.Cluster;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>Cluster members built without a formed cluster (Akka builds them itself: <c>Member.Create</c> is internal).</summary>
internal static class TestMembers
{
    public static Member At(UniqueAddress address, MemberStatus status, int upNumber = 1) =>
        (Member)typeof(Member).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static,
                [typeof(UniqueAddress), typeof(int), typeof(MemberStatus), typeof(ImmutableHashSet<string>), typeof(AppVersion)])!
            .Invoke(null, [address, upNumber, status, ImmutableHashSet<string>.Empty, AppVersion.Zero])!;

    public static Member AtPort(int port, MemberStatus status) =>
        At(new UniqueAddress(new Address("akka.tcp", "connactors", "127.0.0.1", port), port), status);

    /// <summary>A TestKit system with the cluster provider on a free loopback port, never joined.</summary>
    public const string Unjoined = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        """;

    /// <summary>The replicated loads as a site allocator gets them: <paramref name="self"/> alone, of site "home" with a budget of 120 and a floor of 16, at cap 0.</summary>
    public static Changed LoadsOf(Akka.Cluster.Cluster node, Address self)
    {
        var load = new FleetLoad(self.ToString(), "home", 120, 16, ["cluster"], "peer", [], 0, 200, 0, 0, 0, 0, 0, 0, 160, [], 0, []);
        return new Changed(FleetDataKeys.Loads, LWWDictionary<string, FleetLoad>.Empty.SetItem(node, self.ToString(), load));
    }
}
