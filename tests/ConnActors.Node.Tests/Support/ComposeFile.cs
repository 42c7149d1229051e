using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// docker-compose.yml as Docker Compose reads it, for what the tests check: each service's image build, command line,
/// environment, published ports, mounts, health check, fixed address, dependencies, and the networks' subnets. YAML
/// merge keys (<c>&lt;&lt;: *anchor</c>) are applied; a command given as one string is split on whitespace (it must hold
/// no quotes, which Compose would treat as a shell does).
/// </summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(IReadOnlyDictionary<string, ComposeService> services, IReadOnlyDictionary<string, string> subnets)
    {
        Services = services;
        Subnets = subnets;
    }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    /// <summary>Network name to its subnet (CIDR).</summary>
    public IReadOnlyDictionary<string, string> Subnets { get; }

    public static ComposeFile Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = Mapping(root, "services")!.Children.ToDictionary(
            s => Scalar(s.Key)!, s => ComposeService.From(Scalar(s.Key)!, Merged((YamlMappingNode)s.Value)), StringComparer.Ordinal);
        var subnets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var network in Mapping(root, "networks")?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            if (network.Value is not YamlMappingNode settings || Mapping(settings, "ipam") is not { } ipam) continue;
            if (!ipam.Children.TryGetValue(new YamlScalarNode("config"), out var config) || config is not YamlSequenceNode configs) continue;
            if (configs.Children.FirstOrDefault() is YamlMappingNode first && Scalar(first, "subnet") is { } subnet) subnets[Scalar(network.Key)!] = subnet;
        }
        return new ComposeFile(services, subnets);
    }

    /// <summary>A mapping with its merge keys applied (its own keys win).</summary>
    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var merged = new YamlMappingNode();
        if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var baseNode) && baseNode is YamlMappingNode defaults)
        {
            foreach (var (key, value) in Merged(defaults).Children) merged.Children[key] = value;
        }
        foreach (var (key, value) in node.Children.Where(c => Scalar(c.Key) != "<<")) merged.Children[key] = value;
        return merged;
    }

    internal static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    internal static string? Scalar(YamlNode node) => (node as YamlScalarNode)?.Value;

    internal static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? Scalar(value) : null;

    internal static IReadOnlyList<string> Strings(YamlMappingNode node, string key) =>
        !node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? []
        : value is YamlSequenceNode list ? list.Children.Select(c => Scalar(c) ?? "").ToList()
        : SplitCommand(Scalar(value) ?? "");

    private static IReadOnlyList<string> SplitCommand(string command)
    {
        if (command.IndexOfAny(['"', '\'', '\\']) >= 0)
            throw new Xunit.Sdk.XunitException($"a command with quotes is split by Compose as a shell would; give it as a list: {command}");
        return command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }
}

/// <summary>One service of <see cref="ComposeFile"/>.</summary>
internal sealed record ComposeService(
    string Name, string? Dockerfile, string? Image, IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<PublishedPort> Ports, IReadOnlyList<Mount> Volumes, IReadOnlyList<string> HealthCheck, IReadOnlyList<string> DependsOn,
    IReadOnlyDictionary<string, string?> Addresses)
{
    public static ComposeService From(string name, YamlMappingNode node)
    {
        var build = ComposeFile.Mapping(node, "build");
        var environment = ComposeFile.Mapping(node, "environment")?.Children.ToDictionary(e => ComposeFile.Scalar(e.Key)!, e => ComposeFile.Scalar(e.Value) ?? "", StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var health = ComposeFile.Mapping(node, "healthcheck");
        var dependsOn = node.Children.TryGetValue(new YamlScalarNode("depends_on"), out var depends)
            ? depends is YamlMappingNode map ? map.Children.Keys.Select(k => ComposeFile.Scalar(k)!).ToList() : ((YamlSequenceNode)depends).Children.Select(c => ComposeFile.Scalar(c)!).ToList()
            : [];
        var addresses = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (node.Children.TryGetValue(new YamlScalarNode("networks"), out var networks))
        {
            if (networks is YamlSequenceNode names) foreach (var n in names.Children) addresses[ComposeFile.Scalar(n)!] = null;
            else foreach (var (key, value) in ((YamlMappingNode)networks).Children) addresses[ComposeFile.Scalar(key)!] = value is YamlMappingNode m ? ComposeFile.Scalar(m, "ipv4_address") : null;
        }
        return new ComposeService(
            name,
            build is null ? null : ComposeFile.Scalar(build, "dockerfile"),
            ComposeFile.Scalar(node, "image"),
            ComposeFile.Strings(node, "command"),
            environment,
            ComposeFile.Strings(node, "ports").Select(PublishedPort.Parse).ToList(),
            ComposeFile.Strings(node, "volumes").Select(Mount.Parse).ToList(),
            health is null ? [] : ComposeFile.Strings(health, "test"),
            dependsOn,
            addresses);
    }

    /// <summary>The value of <paramref name="option"/> on the command line (the last one), or null.</summary>
    public string? Option(string option)
    {
        int at = Command.ToList().LastIndexOf(option);
        return at >= 0 && at + 1 < Command.Count ? Command[at + 1] : null;
    }

    public IReadOnlyList<string> Options(string option) =>
        Command.Select((arg, i) => (arg, i)).Where(x => x.arg == option && x.i + 1 < Command.Count).Select(x => Command[x.i + 1]).ToList();
}

/// <summary>A published port: <c>[HOST_IP:]HOST:CONTAINER</c>.</summary>
internal sealed partial record PublishedPort(string HostIp, int HostPort, int ContainerPort)
{
    public static PublishedPort Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success) throw new Xunit.Sdk.XunitException($"'{text}' is not [HOST_IP:]HOST:CONTAINER");
        return new PublishedPort(match.Groups["ip"].Success ? match.Groups["ip"].Value : "0.0.0.0",
            int.Parse(match.Groups["host"].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups["container"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(?:(?<ip>[0-9.]+):)?(?<host>\d+):(?<container>\d+)$")]
    private static partial Regex Pattern();
}

/// <summary>A mount: <c>SOURCE:TARGET[:MODE]</c>; a source starting with . or / is a file or folder of the host, else a named volume.</summary>
internal sealed record Mount(string Source, string Target, bool IsHostPath)
{
    public static Mount Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3) throw new Xunit.Sdk.XunitException($"'{text}' is not SOURCE:TARGET[:MODE]");
        return new Mount(parts[0], parts[1], parts[0].StartsWith('.') || parts[0].StartsWith('/'));
    }
}

/// <summary>A Dockerfile as far as the tests read it: its stages' base images, COPY sources, ENTRYPOINT and CMD (exec form).</summary>
internal sealed partial record Dockerfile(IReadOnlyList<string> BaseImages, IReadOnlyList<string> CopiedFromContext, IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Cmd, string Text)
{
    public static Dockerfile Load(string path)
    {
        string text = File.ReadAllText(path);
        var lines = Regex.Replace(text, @"\\\n\s*", " ").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var images = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToList();
        var copied = lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();
        return new Dockerfile(images, copied, ExecForm(lines, "ENTRYPOINT"), ExecForm(lines, "CMD"), text);
    }

    private static IReadOnlyList<string> ExecForm(IReadOnlyList<string> lines, string instruction) =>
        lines.LastOrDefault(l => l.StartsWith(instruction + " ", StringComparison.Ordinal)) is { } line
            ? JsonSerializer.Deserialize<string[]>(line[(instruction.Length + 1)..]) ?? []
            : [];
}
