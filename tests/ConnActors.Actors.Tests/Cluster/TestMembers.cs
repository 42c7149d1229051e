using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;
using Akka.Cluster;
using Akka.Util;

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
}
