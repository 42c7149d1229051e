using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests;

/// <summary>At start the node names what is wrong with its configuration: unknown keys, syntax errors, cluster options.</summary>
public sealed class ConfigurationStartTests
{
    [Fact]
    public async Task A_misspelt_key_is_a_warning_naming_the_closest_key_and_the_node_starts()
    {
        using var directories = new NodeDirectories("connactors.limts.hard-cap = 10");
        var (node, _) = await NodeProcess.StartServingAsync(directories);
        using (node)
        {
            Assert.Contains("warning: unknown key connactors.limts.hard-cap (did you mean connactors.limits.hard-cap?)", node.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_strict_config_a_misspelt_key_stops_the_node()
    {
        using var directories = new NodeDirectories("connactors.limts.hard-cap = 10");
        using var node = NodeProcess.Start("--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--strict-config");

        Assert.NotEqual(0, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("connactors.limts.hard-cap: is not a known key (did you mean connactors.limits.hard-cap?)", node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_stops_the_node_naming_the_file_and_line()
    {
        using var directories = new NodeDirectories("connactors {\n  limits {\n    hard-cap = 10 {\n  }\n}\n");
        using var node = NodeProcess.Start("--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir);

        Assert.NotEqual(0, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("override.conf:3: HOCON syntax error: a value cannot be followed by '{'", node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dial_queue_of_zero_is_refused_under_its_own_key()
    {
        using var directories = new NodeDirectories("connactors.dial.max-queue = 0");
        using var node = NodeProcess.Start("--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir);

        Assert.NotEqual(0, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("configuration error: connactors.dial.max-queue: must be at least 1", node.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cluster-port", "99999")]
    [InlineData("--cluster-port", "0", "--seed", "nowhere")]
    [InlineData("--cluster-port", "0", "--role", "boss")]
    [InlineData("--cluster-port", "0", "--site-budget", "lots")]
    [InlineData("--site", "home")]
    public async Task A_bad_cluster_option_prints_usage_and_fails(params string[] args)
    {
        using var node = NodeProcess.Start(args);

        Assert.Equal(2, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("usage: ConnActors.Node", node.Stderr, StringComparison.Ordinal);
    }
}
