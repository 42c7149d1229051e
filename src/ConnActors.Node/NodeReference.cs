using Akka.Configuration;

namespace ConnActors.Node;

/// <summary>The node's own defaults: the embedded <c>node-reference.conf</c> (the management API's keys).</summary>
internal static class NodeReference
{
    private static readonly Lazy<Config> Loaded = new(() =>
    {
        using var stream = typeof(NodeReference).Assembly.GetManifestResourceStream("ConnActors.Node.node-reference.conf")
            ?? throw new InvalidOperationException("the embedded node-reference.conf is missing from ConnActors.Node");
        return ConfigurationFactory.ParseString(new StreamReader(stream).ReadToEnd());
    });

    public static Config Default => Loaded.Value;
}
