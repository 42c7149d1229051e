using System.Globalization;
using System.Text.RegularExpressions;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// The hard caps in force on the members of a site over time, exactly, from the nodes' own logs: a member of a site
/// with a budget serves ("connection manager serving ...") with no share, 0, until the site gives it one, and every
/// change of its share is logged ("share of the site budget: hard cap N (was M)") when it took effect, before the fleet
/// heard of it. The processes share the machine's clock, so the stamps order the changes of all members; a killed member
/// holds nothing after its kill. (That a member serves with 0 is what its log's first change, "was 0", and the sampled
/// /api/status confirm.)
/// </summary>
internal static partial class HardCapTimeline
{
    /// <summary>A change: from <see cref="At"/> on, <see cref="Node"/> holds <see cref="Cap"/>.</summary>
    public readonly record struct Change(DateTime At, int Node, int Cap);

    /// <summary>Every node's changes, in time order (a node's own changes keep their log order).</summary>
    public static IReadOnlyList<Change> Of(IReadOnlyList<FleetNode> nodes, IReadOnlyDictionary<int, DateTime> killedAt)
    {
        var changes = new List<Change>();
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (var line in nodes[i].Process.Stdout.Split('\n'))
            {
                var started = Started().Match(line);
                var changed = started.Success ? started : Changed().Match(line);
                if (!changed.Success) continue;
                var at = DateTime.ParseExact(changed.Groups["at"].Value, "MM/dd/yyyy HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                changes.Add(new Change(at, i, started.Success ? 0 : int.Parse(changed.Groups["cap"].Value, CultureInfo.InvariantCulture)));
            }
            if (killedAt.TryGetValue(i, out var killed)) changes.Add(new Change(killed, i, 0));
        }
        return [.. changes.Select((c, order) => (c, order)).OrderBy(x => x.c.At).ThenBy(x => x.order).Select(x => x.c)];
    }

    /// <summary>The sum of the caps in force after each change, with the change that made it.</summary>
    public static IEnumerable<(Change Change, int Sum)> Sums(IReadOnlyList<Change> changes)
    {
        var caps = new Dictionary<int, int>();
        foreach (var change in changes)
        {
            caps[change.Node] = change.Cap;
            yield return (change, caps.Values.Sum());
        }
    }

    /// <summary>The cap a manager starts with, before any share (its own configured hard cap).</summary>
    public static int OwnCap(FleetNode node) =>
        int.Parse(Started().Match(node.Process.Stdout).Groups["cap"].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\[INFO\]\[(?<at>[^\]]+)\].*connection manager serving \S+: hard cap (?<cap>\d+),", RegexOptions.Multiline)]
    private static partial Regex Started();

    [GeneratedRegex(@"^\[INFO\]\[(?<at>[^\]]+)\].*share of the site budget: hard cap (?<cap>\d+) \(was \d+\)")]
    private static partial Regex Changed();
}
