using System.Globalization;
using ConnActors.Actors.Cluster;

namespace ConnActors.Node;

/// <summary>Command-line options of the node.</summary>
internal sealed record NodeOptions(string ConfigDirectory, string? Profile, string? DataDirectory, string? Listen, string? Http = null)
{
    public const string Usage = """
        usage: ConnActors.Node [--config-dir DIR] [--profile tiny|desktop|server|xl|auto] [--data-dir DIR] [--listen MULTIADDR] [--http URL] [--router-entries N]
                               [--cluster-port PORT] [--cluster-host HOST] [--seed HOST:PORT]... [--role gateway|cluster]... [--site NAME] [--site-budget N]
                               [--cluster-cert PFX] [--strict-config]

          --config-dir DIR     folder with connactors.conf, profiles/ and override.conf (default: the hocon/ folder shipped with the node)
          --profile NAME       resource profile (default: desktop, or CONNACTORS_PROFILE)
          --data-dir DIR       identity key and SQLite peer store (default: connactors.data-dir, "data")
          --listen ADDR        libp2p listen multiaddr, e.g. /ip4/127.0.0.1/tcp/4001
          --http URL           management API address, e.g. http://127.0.0.1:5080 (port 0: any free port), or "off"
          --router-entries N   this node sits alone behind a home router (NAT): the entries it may hold in the router's
                               connection table, about 90% of the table (0: not counted; else at least 16; not with --site-budget)
          --cluster-port PORT  join a fleet: the cluster (Akka.Remote) port, 0 for any free port
          --cluster-host HOST  the address other members reach this node at (default 127.0.0.1)
          --seed HOST:PORT     a member to join (repeat for several; none: start a new cluster)
          --role ROLE          gateway or cluster (repeat for both; default cluster)
          --site NAME          the site (router) this node sits behind
          --site-budget N      the site's connection budget, shared by its members
          --cluster-cert PFX   mutual TLS on the cluster port: this member's certificate (a PKCS#12 file); peers are
                               accepted only with this certificate or one of connactors.cluster.tls.trusted-thumbprints.
                               Its password comes from CONNACTORS_CLUSTER_CERT_PASSWORD or
                               connactors.cluster.tls.certificate-password, never from the command line
          --strict-config      an unknown configuration key stops the node (default: a warning)
          --help               this text
        """;

    // The options that take a value; "--bogus" alone was reported as needing one.
    private static readonly HashSet<string> ValueOptions =
    [
        "--config-dir", "--profile", "--data-dir", "--listen", "--http", "--cluster-port", "--cluster-host", "--seed", "--role", "--site",
        "--site-budget", "--router-entries", "--cluster-cert",
    ];

    public int? ClusterPort { get; init; }

    public string? ClusterHost { get; init; }

    public IReadOnlyList<string> Seeds { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = [];

    public string? Site { get; init; }

    public int? SiteBudget { get; init; }

    /// <summary>The entries this node may hold in its router's connection table (<c>connactors.limits.router-entries</c>).</summary>
    public int? RouterEntries { get; init; }

    /// <summary>The member's PFX file for mutual TLS on the cluster port.</summary>
    public string? ClusterCertificate { get; init; }

    public bool StrictConfig { get; init; }

    /// <summary>Parses arguments; returns null with an error message for bad input.</summary>
    public static (NodeOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string configDir = Path.Combine(AppContext.BaseDirectory, "hocon");
        string? profile = Environment.GetEnvironmentVariable("CONNACTORS_PROFILE");
        string? dataDir = null, listen = null, http = null, clusterHost = null, site = null, clusterCert = null;
        int? clusterPort = null, siteBudget = null, routerEntries = null;
        var seeds = new List<string>();
        var roles = new List<string>();
        bool strict = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h") return (null, null);
            if (arg == "--strict-config")
            {
                strict = true;
                continue;
            }
            if (arg == "--cluster-cert-password")
                return (null, $"the certificate's password is not taken from the command line (other users see it in the process list): set {ClusterTlsSettings.PasswordVariable} or connactors.cluster.tls.certificate-password");
            if (arg.StartsWith("--", StringComparison.Ordinal) && !ValueOptions.Contains(arg)) return (null, $"unknown option '{arg}'");
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                return (null, arg.StartsWith("--", StringComparison.Ordinal) ? $"{arg} needs a value" : $"unexpected argument '{arg}'");
            string value = args[++i];
            switch (arg)
            {
                case "--config-dir": configDir = value; break;
                case "--profile": profile = value; break;
                case "--data-dir": dataDir = value; break;
                case "--listen": listen = value; break;
                case "--http": http = value; break;
                case "--cluster-port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65_535)
                        return (null, $"--cluster-port needs a TCP port (0 for any), not '{value}'");
                    clusterPort = port;
                    break;
                case "--cluster-host": clusterHost = value; break;
                case "--seed":
                    if (!ClusterSettings.TryHostPort(value, out _, out _)) return (null, $"--seed needs HOST:PORT, not '{value}'");
                    seeds.Add(value);
                    break;
                case "--role":
                    if (!ClusterSettings.KnownRoles.Contains(value)) return (null, $"--role is gateway or cluster, not '{value}'");
                    roles.Add(value);
                    break;
                case "--site": site = value; break;
                case "--site-budget":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int budget))
                        return (null, $"--site-budget needs a number of connections, not '{value}'");
                    siteBudget = budget;
                    break;
                case "--router-entries":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int entries))
                        return (null, $"--router-entries needs a number of router entries, not '{value}'");
                    routerEntries = entries;
                    break;
                case "--cluster-cert": clusterCert = value; break;
                default: return (null, $"unexpected argument '{arg}'");
            }
        }
        if (!Directory.Exists(configDir)) return (null, $"config directory '{configDir}' does not exist");
        if (clusterPort is null && (seeds.Count > 0 || roles.Count > 0 || site is not null || siteBudget is not null || clusterHost is not null))
            return (null, "--seed, --role, --site, --site-budget and --cluster-host need --cluster-port");
        return (new NodeOptions(configDir, profile, dataDir, listen, http)
        {
            ClusterPort = clusterPort,
            ClusterHost = clusterHost,
            Seeds = seeds,
            Roles = roles,
            Site = site,
            SiteBudget = siteBudget,
            RouterEntries = routerEntries,
            ClusterCertificate = clusterCert,
            StrictConfig = strict,
        }, null);
    }
}
