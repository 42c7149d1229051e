using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConnActors.Node.Tests.Support;

/// <summary>The Grafana dashboard shipped in docs/grafana: the connactors_* metrics its panels query.</summary>
internal static partial class GrafanaDashboard
{
    public static IReadOnlySet<string> QueriedMetrics()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(RepositoryFolder.Of("docs", "grafana", "connactors-node.json")))!;
        return dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]?.AsArray() ?? [])
            .SelectMany(t => MetricName().Matches(t!["expr"]!.GetValue<string>()).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("connactors_[a-z_]+")]
    private static partial Regex MetricName();
}
