using Akka.Configuration;
using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>
/// Keys that once existed and were removed or moved. A configuration that still sets one is refused with the
/// reason it went (or where it went), not ignored as unknown: the operator relied on a behaviour that no longer exists
/// there.
/// </summary>
public static class RemovedKeys
{
    private const string SmoothingRemoved =
        "was removed: trim rounds are no longer smoothed (at most 5% of the hard cap per round, follow-ups 1 s later). "
        + "The simulator showed that smoothed rounds trimmed about twice as often for no fewer useful-peer trims and no better "
        + "lookups (docs/simulator.md, the ablations), so a round now trims to low water at once; delete the key";

    /// <summary>Each removed key (full path) and why it was removed.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["connactors.regulation.max-closes-per-round"] = SmoothingRemoved,
        ["connactors.regulation.follow-up-delay"] = SmoothingRemoved,
        ["connactors.cluster.router-entry-linger"] = Moved("connactors.limits.router-entry-linger"),
        ["connactors.cluster.router-reset-linger"] = Moved("connactors.limits.router-reset-linger"),
    };

    // The router-entry lingers sat under cluster, but a node alone behind its router (limits.router-entries) counts them too.
    private static string Moved(string to) =>
        $"has moved to {to}: set it there (it applies to a node alone behind its router as well as to a site member)";

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first removed key <paramref name="config"/> sets.</summary>
    public static void Refuse(Config config)
    {
        foreach (var (key, why) in All)
        {
            if (config.HasPath(key)) throw new PolicyConfigurationException(key, why);
        }
    }
}
