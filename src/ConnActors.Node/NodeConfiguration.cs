using Akka.Configuration;
using ConnActors.Actors.Cluster;
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
    /// <summary>The keys under connactors that the last <see cref="Load"/> found in no reference configuration.</summary>
    public static IReadOnlyList<UnknownKey> UnknownKeys { get; private set; } = [];

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
            // A name, not a path: "../connactors" read another file as the profile before it was refused.
            if (!profile.All(char.IsAsciiLetter) || !File.Exists(profileFile))
                throw new PolicyConfigurationException("connactors.profile", $"unknown resource profile '{profile}' (expected tiny, desktop, server, xl or auto)");
            layers.Add(FromFile(profileFile, required: true));
        }
        var config = layers.Aggregate(ConfigurationFactory.Empty, (acc, layer) => acc.WithFallback(layer));
        UnknownKeys = KnownKeys.Unknown(config, ReferenceConfig.Default, NodeReference.Default);
        return ClusterConfig.Apply(PersistenceConfig.Apply(ReferenceConfig.WithDefaults(config.WithFallback(NodeReference.Default))));
    }

    private static Config FromOptions(NodeOptions options)
    {
        var lines = new List<string>();
        if (options.Profile is { } profile) lines.Add($"connactors.profile = {Quote(profile)}");
        if (options.DataDirectory is { } dataDir) lines.Add($"connactors.data-dir = {Quote(dataDir)}");
        if (options.Listen is { } listen) lines.Add($"connactors.libp2p.listen = [{Quote(listen)}]");
        if (options.Http is "off") lines.Add("connactors.http.enabled = off");
        else if (options.Http is { } http) lines.Add($"connactors.http {{ enabled = on, listen = {Quote(http)} }}");
        if (options.RouterEntries is { } entries) lines.Add($"connactors.limits.router-entries = {entries}");
        if (options.ClusterPort is { } port)
        {
            lines.Add($"connactors.cluster {{ enabled = on, port = {port} }}");
            if (options.ClusterHost is { } host) lines.Add($"connactors.cluster.hostname = {Quote(host)}");
            if (options.Seeds.Count > 0) lines.Add($"connactors.cluster.seed-nodes = [{string.Join(", ", options.Seeds.Select(Quote))}]");
            if (options.Roles.Count > 0) lines.Add($"connactors.cluster.roles = [{string.Join(", ", options.Roles.Select(Quote))}]");
            if (options.Site is { } site) lines.Add($"connactors.cluster.site = {Quote(site)}");
            if (options.SiteBudget is { } budget) lines.Add($"connactors.cluster.site-budget = {budget}");
        }
        if (options.ClusterCertificate is { } certificate)
            lines.Add($"connactors.cluster.tls {{ enabled = on, certificate-path = {Quote(certificate)} }}");
        if (Environment.GetEnvironmentVariable(ClusterTlsSettings.PasswordVariable) is { Length: > 0 } password)
            lines.Add($"connactors.cluster.tls.certificate-password = {Quote(password)}");
        return ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    private static Config FromFile(string path, bool required)
    {
        if (!File.Exists(path))
        {
            if (required) throw new FileNotFoundException($"configuration file '{path}' is missing", path);
            return ConfigurationFactory.Empty;
        }
        string text = File.ReadAllText(path);
        HoconSyntax.Check(text, path);
        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new PolicyConfigurationException(path, $"HOCON syntax error: {e.Message}");
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
