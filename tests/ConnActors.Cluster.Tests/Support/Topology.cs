using ConnActors.Cluster.Tests.Harness;

namespace ConnActors.Cluster.Tests.Support;

/// <summary>The node sets and start hooks the harness tests share.</summary>
internal static class Topology
{
    /// <summary>gateway-1, cluster-1, cluster-2: the smallest cluster with a majority after losing one node.</summary>
    public static IReadOnlyList<NodeSpec> GatewayAndTwoClusterNodes => [NodeSpec.Gateway(1), NodeSpec.Cluster(1), NodeSpec.Cluster(2)];

    /// <summary>gateway-1 and cluster-1.</summary>
    public static IReadOnlyList<NodeSpec> GatewayAndClusterNode => [NodeSpec.Gateway(1), NodeSpec.Cluster(1)];

    /// <summary>A BeforeJoin hook: an <see cref="EchoActor"/> at /user/echo on every node.</summary>
    public static Task StartEcho(ClusterNode node)
    {
        node.System.ActorOf(EchoActor.Props(node.Name), EchoActor.Name);
        return Task.CompletedTask;
    }
}
