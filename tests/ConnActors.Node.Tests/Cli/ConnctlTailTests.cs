using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cli;

/// <summary><c>connctl tail</c> against a node while real peers are admitted, trimmed with a bye and refused; Ctrl+C ends it with exit code 0.</summary>
public sealed class ConnctlTailTests
{
    private static readonly TimeSpan SeenTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Tail_streams_admissions_trims_byes_and_refusals_until_ctrl_c()
    {
        await using var node = await PressuredNode.StartAsync();
        string url = node.Api.BaseAddress.ToString().TrimEnd('/');
        using var json = ConnctlProcess.Start(["tail", "--json", "--types", "admitted,trimmed,bye,refused", "--node", url]);
        using var table = ConnctlProcess.Start(["tail", "--node", url]);
        await json.WaitForStderrAsync("following", SeenTimeout);
        await table.WaitForStderrAsync("following", SeenTimeout);

        var (kept, trimmed, refused) = await node.RunStoryAsync();

        await json.WaitForStdoutAsync(lines => Seen(lines, "bye") && Seen(lines, "refused"), "a bye and a refusal", SeenTimeout);
        var events = json.StdoutLines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.Contains(events, e => Type(e) == "admitted" && Peer(e) == kept && e["direction"]!.GetValue<string>() == "inbound");
        Assert.Contains(events, e => Type(e) == "admitted" && Peer(e) == trimmed);
        Assert.Contains(events, e => Type(e) == "trimmed" && Peer(e) == trimmed);
        Assert.Contains(events, e => Type(e) == "bye" && Peer(e) == trimmed && e["reason"]!.GetValue<string>() == "Trimmed");
        Assert.Contains(events, e => Type(e) == "refused" && Peer(e) == refused);
        Assert.DoesNotContain(events, e => Type(e) == "closed"); // filtered out by --types

        await table.WaitForStdoutAsync(lines => lines.Any(l => l.Contains("closed", StringComparison.Ordinal) && l.Contains(trimmed, StringComparison.Ordinal)), "the trimmed peer's close", SeenTimeout);
        Assert.Contains(table.StdoutLines, l => l.Contains("trimmed", StringComparison.Ordinal) && l.Contains(trimmed, StringComparison.Ordinal));

        json.Signal(PosixSignalNumber.Interrupt);
        Assert.Equal(0, await json.WaitForExitAsync(ConnctlProcess.RunTimeout));
    }

    [Fact]
    public async Task Open_streams_do_not_hold_up_a_stopping_node_and_tail_ends_with_it()
    {
        await using var node = await StartedNode.StartAsync();
        using var tail = ConnctlProcess.Start(["tail", "--node", node.Url]);
        await tail.WaitForStderrAsync("following", SeenTimeout);
        using var status = new HttpClient();
        using var statusStream = await status.GetStreamAsync($"{node.Url}/api/status/stream"); // as the dashboard holds one

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        node.Process.Signal(PosixSignalNumber.Terminate);

        Assert.Equal(0, await node.Process.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"the node took {stopping.Elapsed} to stop with two event streams open");
        Assert.Equal(0, await tail.WaitForExitAsync(ConnctlProcess.RunTimeout));
    }

    private static bool Seen(IEnumerable<string> lines, string type) => lines.Any(l => l.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal));

    private static string Type(System.Text.Json.Nodes.JsonNode e) => e["type"]!.GetValue<string>();

    private static string? Peer(System.Text.Json.Nodes.JsonNode e) => e["peerId"]?.GetValue<string>();
}
