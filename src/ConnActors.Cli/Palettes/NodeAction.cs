using System.CommandLine;
using ConnActors.Cli.Node;

namespace ConnActors.Cli.Palettes;

/// <summary>Runs a command against the node and turns what happened into connctl's exit codes and messages.</summary>
internal static class NodeAction
{
    public static Command WithNodeAction(this Command command, GlobalOptions options, Func<CommandContext, ParseResult, CancellationToken, Task> action)
    {
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                using var context = options.ContextFor(parse);
                await action(context, parse, cancel);
                return ExitCodes.Ok;
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (NodeRefusedException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Refused;
            }
            catch (NotFoundException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Refused;
            }
            catch (NodeUnreachableException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Unreachable;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return ExitCodes.Ok; // Ctrl+C ends a tail
            }
        });
        return command;
    }
}
