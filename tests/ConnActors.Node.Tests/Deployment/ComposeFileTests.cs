using System.Net;
using System.Text.RegularExpressions;
using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Node.Tests.Support;
using Npgsql;

namespace ConnActors.Node.Tests.Deployment;

/// <summary>
/// docker-compose.yml and the node's Dockerfile checked against the node itself (no Docker engine runs here): every node
/// service's command line parses with the node's own option parser and, with the configuration mounted into it, loads
/// with the node's own configuration loader; the seeds name members of the fleet; published ports are unique and reach
/// what the nodes listen on; each node's journal is the PostgreSQL service, in a schema of its own that the database's
/// init script creates; the health checks ask the right ports; the Dockerfile copies every project the node needs.
/// tests/fleet/run-local-fleet.sh runs the same topology as processes.
/// </summary>
public sealed class ComposeFileTests
{
    private const string NodeDockerfile = "src/ConnActors.Node/Dockerfile";
    private const string OverrideInImage = "/app/hocon/override.conf";

    private static readonly ComposeFile Compose = ComposeFile.Load(RepositoryFolder.Of("docker-compose.yml"));
    private static readonly Dockerfile Image = Dockerfile.Load(RepositoryFolder.Of(NodeDockerfile));

    private static IReadOnlyList<ComposeService> Nodes => [.. Compose.Services.Values.Where(s => s.Dockerfile == NodeDockerfile)];

    private static ComposeService Postgres => Compose.Services.Values.Single(s => s.Image?.StartsWith("postgres:", StringComparison.Ordinal) == true);

    [Fact]
    public void The_fleet_is_a_gateway_two_cluster_nodes_and_postgresql()
    {
        Assert.Equal(["cluster-1", "cluster-2", "gateway"], Nodes.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["gateway"], Nodes.Single(n => n.Name == "gateway").Options("--role"));
        Assert.All(Nodes.Where(n => n.Name != "gateway"), n => Assert.Equal(["cluster"], n.Options("--role")));
        Assert.Equal("postgres", Postgres.Name);
        Assert.Equal(["dotnet", "/app/ConnActors.Node.dll"], Image.Entrypoint);
    }

    [Fact]
    public void Every_node_command_line_parses_with_the_node_option_parser()
    {
        foreach (var args in Nodes.Select(n => n.Command).Append(Image.Cmd))
        {
            var (options, error) = NodeOptions.Parse(args);
            Assert.True(error is null && options is not null, $"'{string.Join(' ', args)}': {error ?? "--help"}");
        }
        foreach (var node in Nodes)
        {
            var options = NodeOptions.Parse(node.Command).Options!;
            Assert.NotNull(options.ClusterPort);
            Assert.Equal("/data", options.DataDirectory);
            Assert.Contains(node.Volumes, v => v.Target == "/data" && !v.IsHostPath);
        }
    }

    [Fact]
    public void Seeds_name_members_of_the_fleet_and_every_member_is_reachable_where_it_says()
    {
        var members = Nodes.ToDictionary(n => $"{n.Option("--cluster-host")}:{n.Option("--cluster-port")}", n => n, StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            // Akka addresses must match exactly: a member is reached under the name it calls itself, its service name.
            Assert.Equal(node.Name, node.Option("--cluster-host"));
            var seeds = node.Options("--seed");
            Assert.NotEmpty(seeds);
            Assert.All(seeds, seed => Assert.True(members.ContainsKey(seed), $"{node.Name} seeds {seed}, which is no member's --cluster-host:--cluster-port"));
            Assert.Equal("host", node.Option("--site"));
            Assert.Equal("3000", node.Option("--site-budget"));

            // libp2p listens on the service's fixed address on the fleet network (members tell each other this address).
            var (network, address) = Assert.Single(node.Addresses);
            Assert.NotNull(address);
            Assert.Equal($"/ip4/{address}/tcp/4001", node.Option("--listen"));
            Assert.True(InSubnet(IPAddress.Parse(address!), Compose.Subnets[network]), $"{address} is outside {network}'s subnet {Compose.Subnets[network]}");
        }
        Assert.Equal(Nodes.Count, Nodes.Select(n => n.Addresses.Values.Single()).Distinct().Count());
        // Every member's seeds lead to one cluster: all of them name the same first seed.
        Assert.Single(Nodes.Select(n => n.Options("--seed")[0]).Distinct());
    }

    [Fact]
    public void Published_ports_are_unique_and_reach_the_libp2p_and_api_ports_never_the_cluster_port()
    {
        var published = Compose.Services.Values.SelectMany(s => s.Ports.Select(p => (s.Name, Port: p))).ToList();
        var duplicates = published.GroupBy(p => p.Port.HostPort).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.Name))}").ToList();
        Assert.True(duplicates.Count == 0, $"host ports published twice: {string.Join("; ", duplicates)}");
        foreach (var node in Nodes)
        {
            int libp2p = int.Parse(node.Option("--listen")!.Split('/')[4], System.Globalization.CultureInfo.InvariantCulture);
            var http = new Uri(node.Option("--http")!);
            Assert.Contains(node.Ports, p => p.ContainerPort == libp2p);
            // The management API only on the host's loopback: off loopback every request would need the token anyway.
            Assert.Equal("127.0.0.1", Assert.Single(node.Ports, p => p.ContainerPort == http.Port).HostIp);
            Assert.DoesNotContain(node.Ports, p => p.ContainerPort == int.Parse(node.Option("--cluster-port")!, System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Empty(Postgres.Ports);
    }

    [Fact]
    public void Each_node_journal_is_the_postgres_service_in_a_schema_of_its_own()
    {
        var initSql = Postgres.Volumes.Single(v => v.Target.StartsWith("/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
        var created = Regex.Matches(File.ReadAllText(RepositoryFolder.Of(initSql.Source)), @"CREATE SCHEMA IF NOT EXISTS (\w+)").Select(m => m.Groups[1].Value).ToHashSet();
        var schemas = new List<string>();
        foreach (var node in Nodes)
        {
            var config = LoadAsInTheContainer(node);
            Assert.Equal("postgresql", config.GetString(PersistenceConfig.ProviderKey));
            var journal = new NpgsqlConnectionStringBuilder(config.GetString("akka.persistence.journal.sql.connection-string"));
            Assert.Equal(Postgres.Name, journal.Host);
            Assert.Equal(5432, journal.Port);
            Assert.Equal(Postgres.Environment["POSTGRES_USER"], journal.Username);
            Assert.Equal(Postgres.Environment["POSTGRES_PASSWORD"], journal.Password);
            Assert.Equal(Postgres.Environment["POSTGRES_DB"], journal.Database);
            Assert.Equal(journal.ConnectionString, config.GetString("akka.persistence.snapshot-store.sql.connection-string"));
            Assert.True(created.Contains(journal.SearchPath!), $"{node.Name}'s schema {journal.SearchPath} is not created by {initSql.Source}");
            Assert.Contains(node.DependsOn, d => d == Postgres.Name);
            schemas.Add(journal.SearchPath!);
        }
        Assert.Equal(schemas.Count, schemas.Distinct().Count()); // every peer store has the same persistence id
    }

    [Fact]
    public void Health_checks_ask_each_node_api_with_its_token_and_postgres_with_pg_isready()
    {
        foreach (var node in Nodes)
        {
            var http = new Uri(node.Option("--http")!);
            string check = string.Join(' ', node.HealthCheck);
            Assert.StartsWith("CMD-SHELL", check, StringComparison.Ordinal);
            Assert.Contains($"http://127.0.0.1:{http.Port}/api/health", check, StringComparison.Ordinal);
            // Bound off loopback, the API wants the token for reads too; "$$" is Compose's escape for "$".
            Assert.Contains($"Authorization: Bearer $$(cat {node.Option("--data-dir")}/api.token)", check, StringComparison.Ordinal);
        }
        Assert.Contains("curl", Image.Text, StringComparison.Ordinal);
        Assert.Contains("pg_isready", string.Join(' ', Postgres.HealthCheck), StringComparison.Ordinal);
    }

    [Fact]
    public void The_dockerfile_builds_the_node_and_connctl_from_what_it_copies()
    {
        string framework = Regex.Match(File.ReadAllText(RepositoryFolder.Of("Directory.Build.props")), @"<TargetFramework>net(?<v>[\d.]+)</TargetFramework>").Groups["v"].Value;
        Assert.Equal([$"mcr.microsoft.com/dotnet/sdk:{framework}", $"mcr.microsoft.com/dotnet/aspnet:{framework}"], Image.BaseImages.Select(i => i.Split(' ')[0]));
        foreach (var source in Image.CopiedFromContext) Assert.True(File.Exists(RepositoryFolder.Of(source)) || Directory.Exists(RepositoryFolder.Of(source)), $"COPY {source}: not in the repository");
        var ignored = File.ReadAllLines(RepositoryFolder.Of(".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.DoesNotContain(ignored, i => Image.CopiedFromContext.Any(c => c.TrimEnd('/') + "/" == i.TrimEnd('/') + "/"));

        // The restore step sees the project files only: all the ones the node and connctl depend on must be copied.
        foreach (var project in new[] { "src/ConnActors.Node/ConnActors.Node.csproj", "src/ConnActors.Cli/ConnActors.Cli.csproj" }.SelectMany(ProjectsOf).Distinct())
            Assert.Contains(project, Image.CopiedFromContext);
    }

    // The node's configuration as the container loads it: the image's hocon/ folder with the mounted override.conf.
    private static Config LoadAsInTheContainer(ComposeService node)
    {
        var mounted = node.Volumes.Single(v => v.Target == OverrideInImage);
        using var directories = new NodeDirectories(File.ReadAllText(RepositoryFolder.Of(mounted.Source)));
        var (parsed, error) = NodeOptions.Parse(node.Command);
        Assert.True(parsed is not null, $"{node.Name}: {error}");
        var options = parsed with { ConfigDirectory = directories.ConfigDir };
        var config = NodeConfiguration.Load(options);
        Assert.Empty(NodeConfiguration.UnknownKeys);
        var settings = ConnActorsSettings.FromConfig(config); // valid as a whole, as the node checks it at start
        Assert.True(settings.Cluster.Enabled);
        return config;
    }

    private static IEnumerable<string> ProjectsOf(string project)
    {
        yield return project;
        string folder = Path.GetDirectoryName(project)!;
        foreach (Match reference in Regex.Matches(File.ReadAllText(RepositoryFolder.Of(project)), "<ProjectReference Include=\"(?<path>[^\"]+)\""))
        {
            string path = Path.GetRelativePath(RepositoryFolder.Root, Path.GetFullPath(Path.Combine(RepositoryFolder.Root, folder, reference.Groups["path"].Value)));
            foreach (var p in ProjectsOf(path.Replace('\\', '/'))) yield return p;
        }
    }

    private static bool InSubnet(IPAddress address, string cidr) => IPNetwork.Parse(cidr).Contains(address);
}
