using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests;

/// <summary>SIGTERM and Ctrl+C (SIGINT) stop the node politely: it says it is shutting down and exits with 0.</summary>
public sealed class CleanShutdownTests
{
    [Theory]
    [InlineData(PosixSignalNumber.Terminate)]
    [InlineData(PosixSignalNumber.Interrupt)]
    public async Task Signal_stops_the_node_with_exit_code_0(PosixSignalNumber signal)
    {
        using var directories = new NodeDirectories();
        var (node, _) = await NodeProcess.StartServingAsync(directories);
        using (node)
        {
            node.Signal(signal);

            int exitCode = await node.WaitForExitAsync(NodeProcess.ExitTimeout);

            Assert.True(exitCode == 0, $"exit code {exitCode} after {signal}\n{node.Output}");
            Assert.Contains("shutting down", node.Stdout, StringComparison.Ordinal);
        }
    }
}
