using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ConnActors.Actors.Configuration;

/// <summary>A key under <c>connactors</c> that no reference.conf defines, and the known key it most resembles.</summary>
public sealed record UnknownKey(string Key, string? DidYouMean);

/// <summary>
/// Finds keys under <c>connactors</c> that no reference configuration knows (a misspelt key is otherwise
/// silently ignored). Subsystem names under <c>connactors.quotas</c> are the operator's to choose; a
/// removed key is not unknown but refused with its reason (<see cref="RemovedKeys"/>).
/// </summary>
public static class KnownKeys
{
    private const string Root = "connactors";
    private const string QuotaPrefix = "connactors.quotas.";

    /// <summary>The keys of <paramref name="config"/> under <c>connactors</c> that none of <paramref name="references"/> defines.</summary>
    public static IReadOnlyList<UnknownKey> Unknown(Config config, params Config[] references)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in references) Collect(reference, Root, known);
        var knownShapes = known.Select(Shape).ToHashSet(StringComparer.Ordinal);
        var given = new HashSet<string>(StringComparer.Ordinal);
        Collect(config, Root, given);
        return given
            .Where(key => !known.Contains(key) && !knownShapes.Contains(Shape(key)) && !IsUnderKnownLeaf(key, known) && !RemovedKeys.All.ContainsKey(key))
            .OrderBy(key => key, StringComparer.Ordinal)
            .Select(key => new UnknownKey(key, Closest(key, known)))
            .ToList();
    }

    /// <summary>Every leaf key under <c>connactors</c> in <paramref name="config"/>.</summary>
    public static IReadOnlyList<string> Leaves(Config config)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        Collect(config, Root, keys);
        return keys.ToList();
    }

    private static void Collect(Config config, string path, ISet<string> keys)
    {
        if (!config.HasPath(path)) return;
        Walk(config.GetValue(path), path, keys);
    }

    private static void Walk(HoconValue value, string path, ISet<string> keys)
    {
        if (!value.IsObject())
        {
            keys.Add(path);
            return;
        }
        var items = value.GetObject().Items;
        if (items.Count == 0) keys.Add(path);
        foreach (var (name, child) in items) Walk(child, $"{path}.{name}", keys);
    }

    // connactors.quotas.<any name>.reserved is a known shape.
    private static string Shape(string key)
    {
        if (!key.StartsWith(QuotaPrefix, StringComparison.Ordinal)) return key;
        int dot = key.IndexOf('.', QuotaPrefix.Length);
        return dot < 0 ? key : QuotaPrefix + "*" + key[dot..];
    }

    // A key below one the reference defines as a value (e.g. inside a list-valued setting) is that setting's business.
    private static bool IsUnderKnownLeaf(string key, HashSet<string> known)
    {
        for (int dot = key.LastIndexOf('.'); dot > 0; dot = key.LastIndexOf('.', dot - 1))
        {
            if (known.Contains(key[..dot])) return true;
        }
        return false;
    }

    private static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            int distance = Distance(Shape(key), Shape(candidate));
            if (distance >= bestDistance) continue;
            bestDistance = distance;
            best = candidate;
        }
        if (best is null || bestDistance > Math.Max(3, key.Length / 4)) return null;
        // A subsystem's key is suggested under the operator's own subsystem name.
        return Shape(best) != best && key.StartsWith(QuotaPrefix, StringComparison.Ordinal)
            ? key[..key.IndexOf('.', QuotaPrefix.Length)] + best[best.IndexOf('.', QuotaPrefix.Length)..]
            : best;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
