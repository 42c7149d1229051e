using ConnActors.Actors.Cluster;
using ConnActors.Policy;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Configuration;

/// <summary>
/// <c>connactors.limits.router-entries</c>: the entries a node alone behind a router may hold in the router's
/// connection table (0: not counted, as a server with no NAT in front of it). A site member's router is its
/// site's (<c>connactors.cluster.site-budget</c>), so the two are never set together.
/// </summary>
internal static class RouterEntriesSetting
{
    private const string Path = "limits.router-entries";

    public static int Read(HoconReader reader, ClusterSettings cluster)
    {
        int entries = reader.Int(Path);
        if (entries < 0) throw new PolicyConfigurationException(reader.Key(Path), $"must be >= 0 (0: router entries not counted), was {entries}");
        if (entries == 0) return 0;
        if (entries < RouterEntryBudget.MinimumEntries)
            throw new PolicyConfigurationException(reader.Key(Path),
                $"must be 0 or at least {RouterEntryBudget.MinimumEntries} (the hard cap is half of it and at least {SiteAllocation.MinimumCap}; " +
                $"the other half is for ended connections that linger in the router), was {entries}");
        if (cluster.SiteBudget > 0)
            throw new PolicyConfigurationException(reader.Key(Path),
                $"is set ({entries}) together with connactors.cluster.site-budget ({cluster.SiteBudget}): use one or the other. The site budget is " +
                "the router's table for all the site's members and already counts this member's entries; router-entries is for a node alone behind its router");
        return entries;
    }

    /// <summary><c>connactors.limits.router-entry-linger</c> and <c>router-reset-linger</c>.</summary>
    public static RouterLingers ReadLingers(HoconReader reader) =>
        new(reader.Duration("limits.router-entry-linger"), reader.Duration("limits.router-reset-linger"));
}

/// <summary>
/// How long the router holds the entry of an ended connection (<paramref name="Ended"/>) and of an attempt the node
/// refused with a reset (<paramref name="Reset"/>) after its end; what a node counts against its router entries.
/// </summary>
public sealed record RouterLingers(TimeSpan Ended, TimeSpan Reset)
{
    public RouterLingers()
        : this(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(10))
    {
    }
}
