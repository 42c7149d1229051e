using ConnActors.Sim.Policies;
using ConnActors.Sim.Pubsub;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Sampling;

/// <summary>
/// Cross-checks the simulator's links against each live policy's own connection count and each
/// router's entries against the connections behind it.
/// </summary>
internal static class ConsistencyCheck
{
    /// <summary>The first few mismatches (empty when all agree).</summary>
    public static IReadOnlyList<string> Find(SimContext ctx, NodeEngines engines, GossipMesh pubsub)
    {
        var nodes = ctx.Nodes;
        var problems = new List<string>();
        var openPerRouter = new int[ctx.Routers.Count];
        for (int node = 0; node < nodes.Count && problems.Count < 10; node++)
        {
            int degree = ctx.Links.Degree(node);
            if (!nodes.Online[node] && degree > 0) problems.Add($"offline node {node} has {degree} links");
            if (engines.Existing(node) is { } engine && engine.Connections != degree)
                problems.Add($"node {node}: policy counts {engine.Connections} connections, simulator {degree}");
            if (nodes.Router[node] >= 0) openPerRouter[nodes.Router[node]] += degree;
            if (pubsub.MeshCount(node) > degree) problems.Add($"node {node}: {pubsub.MeshCount(node)} mesh peers on {degree} links");
        }
        for (int r = 0; r < ctx.Routers.Count && problems.Count < 10; r++)
        {
            if (ctx.Routers.Used(r) < openPerRouter[r]) problems.Add($"router {r}: {ctx.Routers.Used(r)} entries for {openPerRouter[r]} open connections");
        }
        return problems;
    }
}
