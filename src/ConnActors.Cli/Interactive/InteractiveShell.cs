using System.CommandLine;

namespace ConnActors.Cli.Interactive;

/// <summary>
/// <c>connctl</c> with no arguments: a prompt that runs palette commands one after another against the same node
/// (<c>--node</c>, <c>--data-dir</c> and <c>--json</c> given at start apply to every command), with Tab completion of
/// commands, subcommands and options from the same command tree. Ctrl+C stops a running command (e.g. a tail), not
/// the shell; <c>exit</c>, <c>quit</c> or Ctrl+D leave.
/// </summary>
internal static class InteractiveShell
{
    private const string Prompt = "connctl> ";

    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> sessionOptions)
    {
        var editor = new LineEditor(text => Completions(root, text));
        Console.WriteLine("connctl interactive mode: Tab completes, 'help' lists the palettes, 'exit' leaves.");
        CancellationTokenSource? running = null;
        Console.CancelKeyPress += (_, e) =>
        {
            if (running is null) return;
            e.Cancel = true;
            running.Cancel();
        };
        while (editor.ReadLine(Prompt) is { } line)
        {
            var words = System.CommandLine.Parsing.CommandLineParser.SplitCommandLine(line).ToList();
            if (words.Count > 0 && words[0] == "connctl") words.RemoveAt(0);
            if (words.Count == 0) continue;
            if (words is ["exit"] or ["quit"]) break;
            if (words is ["help"]) words = ["--help"];
            if (IsNoCommand(root, words))
            {
                Console.WriteLine("type a command (Tab completes, 'help' lists them)");
                continue;
            }
            using var cancel = new CancellationTokenSource();
            running = cancel;
            try
            {
                int code = await CommandRunner.RunAsync(root, [.. words, .. sessionOptions],
                    new InvocationConfiguration { ProcessTerminationTimeout = null }, cancel.Token);
                if (code != ExitCodes.Ok) Console.WriteLine($"(exit code {code})");
            }
            finally
            {
                running = null;
            }
        }
        return ExitCodes.Ok;
    }

    // Only options, no command: at the top level that starts this shell, so here it is a hint instead.
    private static bool IsNoCommand(RootCommand root, IReadOnlyList<string> words)
    {
        var parse = root.Parse(words);
        return parse.CommandResult.Command == root && parse.Errors.Count == 0 && !words.Any(w => w is "--help" or "-h" or "-?" or "--version");
    }

    private static IReadOnlyList<string> Completions(RootCommand root, string text) =>
        root.Parse(text).GetCompletions(text.Length).Select(c => c.Label).ToList();
}
