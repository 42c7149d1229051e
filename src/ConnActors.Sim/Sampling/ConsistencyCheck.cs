using ConnActors.Sim.Model;
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
            CheckMeshes(ctx, pubsub, node, problems);
        }
        for (int r = 0; r < ctx.Routers.Count && problems.Count < 10; r++)
        {
            if (ctx.Routers.Used(r) < openPerRouter[r]) problems.Add($"router {r}: {ctx.Routers.Used(r)} entries for {openPerRouter[r]} open connections");
        }
        return problems;
    }

    // Each mesh's count is the number of links marked with its topic slot, and a link is a mesh link in as many topics
    // at both ends.
    private static void CheckMeshes(SimContext ctx, GossipMesh pubsub, int node, List<string> problems)
    {
        var links = ctx.Links;
        Span<int> marked = stackalloc int[pubsub.Slots];
        var neighbours = links.Neighbours(node);
        for (int i = 0; i < neighbours.Length; i++)
        {
            var flags = links.FlagsAt(node, i);
            int topics = MeshTopics.Count(flags);
            int j = links.IndexOf(neighbours[i], node);
            if (j < 0 || MeshTopics.Count(links.FlagsAt(neighbours[i], j)) != topics)
                problems.Add($"node {node}: link to {neighbours[i]} is a mesh link in {topics} topics at this end only");
            for (int slot = 0; slot < pubsub.Slots; slot++) if ((flags & MeshTopics.Bit(slot)) != 0) marked[slot]++;
        }
        for (int slot = 0; slot < pubsub.Slots; slot++)
        {
            if (pubsub.MeshCount(node, slot) != marked[slot])
                problems.Add($"node {node}: {pubsub.MeshCount(node, slot)} mesh peers in topic slot {slot}, {marked[slot]} links marked");
        }
    }
}
