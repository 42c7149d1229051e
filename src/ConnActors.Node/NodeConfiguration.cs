using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Policy;

namespace ConnActors.Node;

/// <summary>
/// Builds the node's configuration: command-line options over hocon/override.conf over
/// hocon/connactors.conf over hocon/profiles/&lt;profile&gt;.conf over the embedded reference.conf,
/// then the persistence plugin settings derived from it.
/// </summary>
internal static class NodeConfiguration
{
    public static Config Load(NodeOptions options)
    {
        var layers = new List<Config>();
        layers.Add(FromOptions(options));
        layers.Add(FromFile(Path.Combine(options.ConfigDirectory, "override.conf"), required: false));
        var main = FromFile(Path.Combine(options.ConfigDirectory, "connactors.conf"), required: true);
        layers.Add(main);
        string profile = options.Profile
            ?? FromFile(Path.Combine(options.ConfigDirectory, "override.conf"), required: false).WithFallback(main).WithFallback(ReferenceConfig.Default).GetString("connactors.profile");
        if (!profile.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            string profileFile = Path.Combine(options.ConfigDirectory, "profiles", $"{profile.ToLowerInvariant()}.conf");
            if (!File.Exists(profileFile))
                throw new PolicyConfigurationException("connactors.profile", $"unknown resource profile '{profile}' (expected tiny, desktop, server, xl or auto)");
            layers.Add(FromFile(profileFile, required: true));
        }
        var config = layers.Aggregate(ConfigurationFactory.Empty, (acc, layer) => acc.WithFallback(layer));
        return PersistenceConfig.Apply(ReferenceConfig.WithDefaults(config));
    }

    private static Config FromOptions(NodeOptions options)
    {
        var lines = new List<string>();
        if (options.Profile is { } profile) lines.Add($"connactors.profile = {Quote(profile)}");
        if (options.DataDirectory is { } dataDir) lines.Add($"connactors.data-dir = {Quote(dataDir)}");
        if (options.Listen is { } listen) lines.Add($"connactors.libp2p.listen = [{Quote(listen)}]");
        if (options.Http is "off") lines.Add("connactors.http.enabled = off");
        else if (options.Http is { } http) lines.Add($"connactors.http {{ enabled = on, listen = {Quote(http)} }}");
        return ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    private static Config FromFile(string path, bool required)
    {
        if (!File.Exists(path))
        {
            if (required) throw new FileNotFoundException($"configuration file '{path}' is missing", path);
            return ConfigurationFactory.Empty;
        }
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new PolicyConfigurationException(path, $"is not valid HOCON: {e.Message}");
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
