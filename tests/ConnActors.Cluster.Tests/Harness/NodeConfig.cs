using Akka.Configuration;
using ConnActors.Actors.Configuration;

namespace ConnActors.Cluster.Tests.Harness;

/// <summary>
/// The configuration of one harness node, layered (highest first): the node's own HOCON, the harness's
/// common HOCON, what the harness generates for the node (roles, stable-after), harness.conf, ConnActors'
/// reference.conf.
/// </summary>
internal static class NodeConfig
{
    private static readonly Lazy<Config> HarnessDefaults = new(LoadHarnessDefaults);

    public static Config For(NodeSpec node, ClusterHarnessOptions options)
    {
        var roles = string.Join(", ", node.Roles.Select(Quote));
        var generated = ConfigurationFactory.ParseString(
            $"""
            akka.cluster.roles = [{roles}]
            akka.cluster.split-brain-resolver.stable-after = {(long)options.StableAfter.TotalMilliseconds}ms
            """);
        Config?[] layers =
        [
            Parse(node.Hocon, $"the HOCON of node {node.Name}"),
            Parse(options.Hocon, "the harness's common HOCON"),
            generated,
            HarnessDefaults.Value,
            ReferenceConfig.Default,
        ];
        return layers.OfType<Config>().Aggregate((config, fallback) => config.WithFallback(fallback));
    }

    private static Config? Parse(string? hocon, string what)
    {
        if (string.IsNullOrWhiteSpace(hocon)) return null;
        try
        {
            // Akka's parser accepts some mistakes silently (an unclosed bracket); the project's check does not.
            HoconSyntax.Check(hocon, what);
            return ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e)
        {
            throw new ArgumentException($"{what} does not parse: {e.Message}", e);
        }
    }

    private static string Quote(string role) => "\"" + role.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static Config LoadHarnessDefaults()
    {
        const string resource = "ConnActors.Cluster.Tests.Harness.harness.conf";
        using var stream = typeof(NodeConfig).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the embedded {resource} is missing");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
