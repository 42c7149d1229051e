using System.Globalization;
using System.Text.RegularExpressions;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// A site's split as its allocator last carried it out, from the nodes' own logs: the allocator logs "site S: round N
/// towards A a, B b, ..." when it starts a round and "site S: shares A a, B b, ..." when the round's grows are all
/// acknowledged. Only the last of those lines (by stamp, from any node: the allocator may have changed hands) says
/// whether the fleet is settled: a "round" line last means a round is under way, and a join is often followed by a
/// second round (the newcomer's refusals at cap 0 counted as demand), so caps adding up to the budget do not say the
/// split is the last one.
/// </summary>
internal static partial class PublishedSplit
{
    /// <summary>The shares of the last round carried out, by cluster address; null while a round is under way or before the first.</summary>
    public static IReadOnlyDictionary<string, int>? Of(IReadOnlyList<FleetNode> nodes, string site)
    {
        var last = Lines(nodes, site).LastOrDefault();
        if (last.Kind != "shares") return null;
        return last.Caps.Split(", ").Select(pair => pair.Trim().Split(' '))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    /// <summary>How many rounds the allocator started from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static int RoundsBetween(IReadOnlyList<FleetNode> nodes, string site, DateTime from, DateTime to) =>
        Lines(nodes, site).Count(l => l.Kind == "towards" && l.At >= from && l.At <= to);

    private static IEnumerable<(DateTime At, string Kind, string Caps)> Lines(IReadOnlyList<FleetNode> nodes, string site) =>
        nodes.SelectMany(n => n.Process.Stdout.Split('\n'))
            .Select(line => Line().Match(line))
            .Where(m => m.Success && m.Groups["site"].Value == site)
            .Select(m => (DateTime.ParseExact(m.Groups["at"].Value, "MM/dd/yyyy HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), m.Groups["kind"].Value, m.Groups["caps"].Value))
            .OrderBy(x => x.Item1);

    [GeneratedRegex(@"^\[\w+\]\[(?<at>[^\]]+)\].*?site (?<site>\S+): (?:round \d+ (?<kind>towards)|(?<kind>shares)) (?<caps>.+?)\s*$")]
    private static partial Regex Line();
}
