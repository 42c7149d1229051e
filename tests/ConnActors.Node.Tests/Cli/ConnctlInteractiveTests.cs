using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cli;

/// <summary>connctl's interactive mode in a real terminal: Tab completes palettes and subcommands, commands run against the node, exit leaves.</summary>
public sealed class ConnctlInteractiveTests(ServingNode node) : IClassFixture<ServingNode>
{
    private static readonly TimeSpan ScreenTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Tab_completes_commands_and_they_run_against_the_node()
    {
        string url = node.Api.BaseAddress.ToString().TrimEnd('/');
        string command = $"'{NodeProcess.DotnetHost}' '{ConnctlProcess.Dll}' --node {url} --data-dir '{node.Directories.DataDir}'; sleep 30";
        using var terminal = await TmuxTerminal.StartAsync(command);
        await terminal.WaitForScreenAsync(s => s.Contains("connctl>", StringComparison.Ordinal), "the prompt", ScreenTimeout);

        // "pe" could be peers or penalty: both are listed; one more letter decides.
        await terminal.SendKeysAsync("pe", "Tab");
        await terminal.WaitForScreenAsync(s => s.Contains("peers  penalty", StringComparison.Ordinal), "the candidates for 'pe'", ScreenTimeout);
        await terminal.SendKeysAsync("e", "Tab");
        await terminal.WaitForScreenAsync(s => s.Contains("connctl> peers", StringComparison.Ordinal), "'pee' completed to 'peers'", ScreenTimeout);
        await terminal.SendKeysAsync("l", "Tab");
        await terminal.WaitForScreenAsync(s => s.Contains("connctl> peers list", StringComparison.Ordinal), "'l' completed to 'list'", ScreenTimeout);
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(s => s.Contains("peer(s)", StringComparison.Ordinal), "the peers table", ScreenTimeout);

        await terminal.SendKeysAsync("p", "Tab");
        await terminal.WaitForScreenAsync(s => s.Contains("peers  penalty  protect", StringComparison.Ordinal), "the candidates for 'p'", ScreenTimeout);
        await terminal.SendKeysAsync("C-u", "st", "Tab", "Enter");
        await terminal.WaitForScreenAsync(s => s.Contains("hard cap", StringComparison.Ordinal), "the status table", ScreenTimeout);

        await terminal.SendKeysAsync("friend add /ip4/127.0.0.1/tcp/4001", "Enter");
        await terminal.WaitForScreenAsync(s => s.Contains("(exit code 1)", StringComparison.Ordinal), "the node's refusal of an address without /p2p/", ScreenTimeout);

        await terminal.SendKeysAsync("exit", "Enter");
        await terminal.WaitForScreenAsync(s => s.TrimEnd().EndsWith("connctl> exit", StringComparison.Ordinal), "the shell gone", ScreenTimeout);
    }
}
