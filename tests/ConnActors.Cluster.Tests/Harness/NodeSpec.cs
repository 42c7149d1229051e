namespace ConnActors.Cluster.Tests.Harness;

/// <summary>
/// One node to start: its name (how specs address it, e.g. "gateway-1"), its cluster roles and optional
/// HOCON of its own, which wins over everything else the harness configures.
/// </summary>
public sealed record NodeSpec(string Name, IReadOnlyList<string> Roles, string? Hocon = null)
{
    /// <summary>The <paramref name="index"/>-th node of role <c>gateway</c>, named "gateway-<paramref name="index"/>".</summary>
    public static NodeSpec Gateway(int index, string? hocon = null) => OfRole("gateway", index, hocon);

    /// <summary>The <paramref name="index"/>-th node of role <c>cluster</c>, named "cluster-<paramref name="index"/>".</summary>
    public static NodeSpec Cluster(int index, string? hocon = null) => OfRole("cluster", index, hocon);

    /// <summary>A node with the single role <paramref name="role"/>, named "<paramref name="role"/>-<paramref name="index"/>".</summary>
    public static NodeSpec OfRole(string role, int index, string? hocon = null) => new($"{role}-{index}", [role], hocon);
}
