using System.Text.RegularExpressions;
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

    // A loaded run once sent Ctrl+C between "http management API listening" and the end of start-up: the node then
    // created an actor in a terminating system and died of the unhandled exception (exit code 134).
    [Theory]
    [InlineData(PosixSignalNumber.Interrupt, "connection manager serving")]
    [InlineData(PosixSignalNumber.Interrupt, "listening on /ip4/")]
    [InlineData(PosixSignalNumber.Interrupt, "http management API listening")]
    [InlineData(PosixSignalNumber.Terminate, "listening on /ip4/")]
    public async Task Signal_in_the_middle_of_start_up_stops_the_node_with_exit_code_0(PosixSignalNumber signal, string startUpLine)
    {
        using var directories = new NodeDirectories();
        using var node = NodeProcess.Start("--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "http://127.0.0.1:0");
        await node.WaitForStdoutAsync(new Regex(Regex.Escape(startUpLine)), NodeProcess.StartTimeout);

        node.Signal(signal);

        int exitCode = await node.WaitForExitAsync(NodeProcess.ExitTimeout);
        Assert.True(exitCode == 0, $"exit code {exitCode} after {signal} at \"{startUpLine}\"\n{node.Output}");
        Assert.DoesNotContain("Unhandled exception", node.Stderr, StringComparison.Ordinal);
    }
}
