namespace ConnActors.Node;

/// <summary>Command-line options of the node.</summary>
internal sealed record NodeOptions(string ConfigDirectory, string? Profile, string? DataDirectory, string? Listen, string? Http = null)
{
    public const string Usage = """
        usage: ConnActors.Node [--config-dir DIR] [--profile tiny|desktop|server|xl|auto] [--data-dir DIR] [--listen MULTIADDR] [--http URL]

          --config-dir DIR   folder with connactors.conf, profiles/ and override.conf (default: the hocon/ folder shipped with the node)
          --profile NAME     resource profile (default: desktop, or CONNACTORS_PROFILE)
          --data-dir DIR     identity key and SQLite peer store (default: connactors.data-dir, "data")
          --listen ADDR      libp2p listen multiaddr, e.g. /ip4/127.0.0.1/tcp/4001
          --http URL         management API address, e.g. http://127.0.0.1:5080 (port 0: any free port), or "off"
          --help             this text
        """;

    /// <summary>Parses arguments; returns null with an error message for bad input.</summary>
    public static (NodeOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string configDir = Path.Combine(AppContext.BaseDirectory, "hocon");
        string? profile = Environment.GetEnvironmentVariable("CONNACTORS_PROFILE");
        string? dataDir = null, listen = null, http = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h") return (null, null);
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
                default: return (null, $"unknown option '{arg}'");
            }
        }
        if (!Directory.Exists(configDir)) return (null, $"config directory '{configDir}' does not exist");
        return (new NodeOptions(configDir, profile, dataDir, listen, http), null);
    }
}
