using ConnActors.Policy.Fleet;

namespace ConnActors.Sim.Sites;

/// <summary>
/// The nodes behind one shared home router (<see cref="Router"/>), their addresses as the split knows them (made once, not at every
/// split) and the last split: <see cref="SiteAllocation.Allocate"/> is pure, so the same budget and members give
/// the same caps, and a split whose inputs did not change since the last one is not computed again.
/// </summary>
internal sealed class Site(int router, int[] nodes)
{
    public int Router { get; } = router;

    public int[] Nodes { get; } = nodes;

    public string[] Addresses { get; } = nodes.Select(AddressOf).ToArray();

    private int _lastBudget = -1;
    private SiteMember[] _lastMembers = [];
    private int[] _lastCaps = [];

    /// <summary>The caps of <paramref name="members"/> (in their order) under <paramref name="budget"/>.</summary>
    public int[] Split(int budget, SiteMember[] members)
    {
        if (budget == _lastBudget && members.AsSpan().SequenceEqual(_lastMembers)) return _lastCaps;
        var split = SiteAllocation.Allocate(budget, members);
        var caps = new int[members.Length];
        for (int i = 0; i < members.Length; i++) caps[i] = split.Caps[members[i].Address];
        (_lastBudget, _lastMembers, _lastCaps) = (budget, members, caps);
        return caps;
    }

    /// <summary>A node's address in the split: members are ordered by it, so it is the node's index, zero-padded.</summary>
    public static string AddressOf(int node) => node.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
}
