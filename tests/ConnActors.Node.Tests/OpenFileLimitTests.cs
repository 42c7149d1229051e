using System.Diagnostics;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests;

/// <summary>A node whose hard cap needs more open files than its process may have says so at start.</summary>
public sealed class OpenFileLimitTests
{
    private static readonly TimeSpan Bound = NodeProcess.StartTimeout;

    [Theory]
    [InlineData("server", 1024, true)] // 2,000 connections under systemd's usual soft limit: no word before (probe, 1 Dec 2026)
    [InlineData("tiny", 1024, false)]
    public async Task A_hard_cap_above_half_the_open_file_limit_is_warned_at_start(string profile, int openFiles, bool warned)
    {
        using var directories = new NodeDirectories();
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"ulimit -n {openFiles} && exec \"$0\" \"$@\"");
        foreach (var arg in new[] { NodeProcess.DotnetHost, Path.Combine(AppContext.BaseDirectory, "ConnActors.Node.dll"), "--profile", profile,
                     "--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "off" })
            start.ArgumentList.Add(arg);
        using var node = Process.Start(start)!;
        _ = node.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        try
        {
            using var deadline = new CancellationTokenSource(Bound);
            while (await node.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
                if (line.Contains("listening on /ip4/", StringComparison.Ordinal)) break;
            }
        }
        finally
        {
            node.Kill(entireProcessTree: true);
        }

        string output = string.Join('\n', lines);
        Assert.Contains("listening on /ip4/", output, StringComparison.Ordinal);
        Assert.Equal(warned, output.Contains($"is above half the process's open-file limit ({openFiles}", StringComparison.Ordinal));
    }
}
