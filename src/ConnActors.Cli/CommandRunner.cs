using System.CommandLine;

namespace ConnActors.Cli;

/// <summary>Runs one connctl command line: bad usage prints the errors and the command's usage on stderr and gives exit code 2.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration invocation, CancellationToken cancel = default)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // The default parse-error action prints the errors and the usage of the command at fault.
            await parse.InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error, ProcessTerminationTimeout = null }, cancel);
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(invocation, cancel);
    }
}
