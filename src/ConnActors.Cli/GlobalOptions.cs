using System.CommandLine;
using ConnActors.Cli.Node;
using Spectre.Console;

namespace ConnActors.Cli;

/// <summary>The options every palette takes: which node, where its token is, and JSON output for scripts.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultNode = "http://127.0.0.1:5080";
    public const string TokenVariable = "CONNACTORS_TOKEN";
    public const string TokenFileName = "api.token";

    public Option<string> Node { get; } = new("--node")
    {
        Description = "the node's management API (CONNACTORS_NODE sets the default)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CONNACTORS_NODE") ?? DefaultNode,
    };

    public Option<string> DataDir { get; } = new("--data-dir")
    {
        Description = $"the node's data directory, where its {TokenFileName} is (CONNACTORS_DATA_DIR sets the default); {TokenVariable} wins over it",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CONNACTORS_DATA_DIR") ?? "data",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "print the node's answer as JSON (for scripts) instead of tables",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Node, DataDir, Json];

    /// <summary>What a command needs to run: the node client and the output mode; a bad --node is a <see cref="UsageException"/>.</summary>
    public CommandContext ContextFor(ParseResult parse)
    {
        string node = parse.GetValue(Node)!;
        if (!Uri.TryCreate(node, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new UsageException($"--node must be an http:// URL, e.g. {DefaultNode}; was '{node}'");
        return new CommandContext(new NodeClient(uri, TokenFor(parse.GetValue(DataDir)!)), parse.GetValue(Json), Console());
    }

    private static string? TokenFor(string dataDir)
    {
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token) return token.Trim();
        string file = Path.Combine(dataDir, TokenFileName);
        try
        {
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // not ours to read: changes will be refused with a hint
        }
    }

    private static IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (System.Console.IsOutputRedirected) console.Profile.Width = 240; // peer ids are 52 characters: keep table rows whole in pipes
        return console;
    }
}

/// <summary>Bad usage found after parsing (a malformed --node, a bad value): printed with the usage, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
