using ConnActors.Sim.Model;

namespace ConnActors.Sim.World;

/// <summary>Picks special nodes (fleet members, crowd targets) by stable hash, the same for every policy.</summary>
internal static class NodePicker
{
    /// <summary>Reachable nodes matching <paramref name="fits"/>: the first <paramref name="count"/> in hash order.</summary>
    public static int[] Pick(SimContext ctx, int count, long salt, Func<int, bool> fits)
    {
        if (count <= 0) return [];
        return Enumerable.Range(0, ctx.Nodes.Count)
            .Where(n => !ctx.Nodes.Unreachable[n] && fits(n))
            .OrderBy(n => StableHash.Of(ctx.Seed, n, salt))
            .Take(count)
            .ToArray();
    }
}
