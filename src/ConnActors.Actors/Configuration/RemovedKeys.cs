using Akka.Configuration;
using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>
/// Keys that once existed and were removed. A configuration that still sets one is refused with the
/// reason it went, not ignored as unknown: the operator relied on a behaviour that no longer exists.
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
    };

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first removed key <paramref name="config"/> sets.</summary>
    public static void Refuse(Config config)
    {
        foreach (var (key, why) in All)
        {
            if (config.HasPath(key)) throw new PolicyConfigurationException(key, why);
        }
    }
}
