using System.Text;
using Akka.Actor;

namespace ConnActors.Cluster.Tests.Harness;

public sealed partial class ClusterHarness
{
    /// <summary>
    /// What every node sees, one line each: its members with their status, the unreachable ones, the leader;
    /// and the links the harness has blackholed. Failure messages of barriers and waits end with it.
    /// </summary>
    public string DescribeCluster()
    {
        var text = new StringBuilder();
        foreach (var node in _nodes) text.AppendLine("  " + DescribeView(node));
        var links = BlackholedLinks();
        text.Append("  blackholed links: ").Append(links.Count == 0 ? "none" : string.Join(", ", links));
        return text.ToString();
    }

    /// <summary>One node's view of the cluster, members in start order, e.g. "gateway-1 sees gateway-1 Up, cluster-1 Up; unreachable: none; leader gateway-1".</summary>
    public string DescribeView(ClusterNode node)
    {
        if (!node.IsAlive) return $"{node.Name}: terminated";
        var state = node.Cluster.State;
        var members = state.Members.OrderBy(m => StartIndexOf(m.Address)).Select(m => $"{NameOf(m.Address)} {m.Status}");
        var unreachable = state.Unreachable.OrderBy(m => StartIndexOf(m.Address)).Select(m => NameOf(m.Address)).ToList();
        var leader = state.Leader is null ? "none" : NameOf(state.Leader);
        return $"{node.Name} sees {string.Join(", ", members)}; unreachable: {(unreachable.Count == 0 ? "none" : string.Join(", ", unreachable))}; leader {leader}";
    }

    /// <summary>The harness name of the node at <paramref name="address"/>, or the address itself when it is not one of ours.</summary>
    public string NameOf(Address address) => _nodes.FirstOrDefault(n => n.Address.Equals(address))?.Name ?? address.ToString();

    /// <summary>Members are listed in the order their nodes were started (addresses not ours last).</summary>
    private int StartIndexOf(Address address)
    {
        var index = _nodes.FindIndex(n => n.Address.Equals(address));
        return index < 0 ? int.MaxValue : index;
    }
}
