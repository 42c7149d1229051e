using Akka.Actor;

namespace ConnActors.Cluster.Tests.Harness;

/// <summary>One node of a <see cref="ClusterHarness"/>: a real ActorSystem with remoting on a loopback port.</summary>
public sealed class ClusterNode
{
    internal ClusterNode(NodeSpec spec, ActorSystem system)
    {
        Spec = spec;
        System = system;
        Cluster = Akka.Cluster.Cluster.Get(system);
        Address = Cluster.SelfAddress;
    }

    /// <summary>What the node was started from.</summary>
    public NodeSpec Spec { get; }

    /// <summary>The name specs use for the node, e.g. "gateway-1".</summary>
    public string Name => Spec.Name;

    /// <summary>Its cluster roles.</summary>
    public IReadOnlyList<string> Roles => Spec.Roles;

    /// <summary>The node's ActorSystem: create actors, probes and extensions on it.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's cluster extension.</summary>
    public Akka.Cluster.Cluster Cluster { get; }

    /// <summary>The bound address (akka.trttl.tcp://connactors@127.0.0.1:port).</summary>
    public Address Address { get; }

    /// <summary>False once the node's ActorSystem terminated (killed, left, or downed by the resolver).</summary>
    public bool IsAlive => !System.WhenTerminated.IsCompleted;

    /// <summary>The node's own actor at <c>/user/<paramref name="name"/></c> on <paramref name="other"/>, addressed from this node.</summary>
    public ActorSelection SelectOn(ClusterNode other, string name) =>
        System.ActorSelection(new RootActorPath(other.Address) / "user" / name);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Address})";
}
