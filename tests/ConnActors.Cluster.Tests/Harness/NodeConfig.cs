using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Configuration;

namespace ConnActors.Cluster.Tests.Harness;

/// <summary>
/// The configuration of one harness node. The node's cluster HOCON is the product's: ConnActors'
/// <see cref="ClusterConfig"/> derives it from <c>connactors.cluster</c> (roles, split-brain resolver,
/// heartbeat pause, remoting host and port), as the node does. Under it, harness.conf adds only what a test
/// needs (the throttler adapter, fast gossip, no fallback serializer); over it, the node's own HOCON and the
/// harness's common HOCON win over everything.
/// </summary>
internal static class NodeConfig
{
    private static readonly Lazy<Config> HarnessDefaults = new(LoadHarnessDefaults);

    public static Config For(NodeSpec node, ClusterHarnessOptions options)
    {
        var roles = string.Join(", ", node.Roles.Select(Quote));
        var generated = ConfigurationFactory.ParseString(
            $"""
            connactors.cluster.roles = [{roles}]
            connactors.cluster.stable-after = {(long)options.StableAfter.TotalMilliseconds}ms
            """);
        var own = Layer(Parse(node.Hocon, $"the HOCON of node {node.Name}"), Parse(options.Hocon, "the harness's common HOCON"));
        var settings = Layer(own, generated, HarnessDefaults.Value, ReferenceConfig.Default)!;
        return Layer(own, ClusterConfig.Apply(settings))!;
    }

    /// <summary>
    /// The ActorSystem setup of a node: its configuration and, when its <c>connactors.cluster.tls</c> is on, the
    /// product's mutual-TLS setup (<see cref="ClusterTls.Setup"/>: its certificate, accepting peers by pin), as the node has it.
    /// </summary>
    public static ActorSystemSetup SetupFor(NodeSpec node, ClusterHarnessOptions options)
    {
        var config = For(node, options);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        var tls = ConnActorsSettings.FromConfig(config).Cluster.Tls;
        return tls.Enabled ? setup.And(ClusterTls.Setup(ClusterTls.LoadCertificate(tls), tls)) : setup;
    }

    /// <summary>The layers present, the first winning.</summary>
    private static Config? Layer(params Config?[] layers) =>
        layers.OfType<Config>().Aggregate((Config?)null, (config, fallback) => config is null ? fallback : config.WithFallback(fallback));

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
