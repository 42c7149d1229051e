using ConnActors.Cluster.Tests.Support;
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

    [Fact]
    public async Task A_removed_key_stops_the_node_naming_it_and_why_even_without_strict_config()
    {
        using var directories = new NodeDirectories("connactors.regulation.max-closes-per-round = 20");
        using var node = NodeProcess.Start("--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir);

        Assert.NotEqual(0, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("configuration error: connactors.regulation.max-closes-per-round: was removed: trim rounds are no longer smoothed", node.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown key", node.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cluster-port", "99999")]
    [InlineData("--cluster-port", "0", "--seed", "nowhere")]
    [InlineData("--cluster-port", "0", "--role", "boss")]
    [InlineData("--cluster-port", "0", "--site-budget", "lots")]
    [InlineData("--site", "home")]
    [InlineData("--cluster-cert")]
    public async Task A_bad_cluster_option_prints_usage_and_fails(params string[] args)
    {
        using var node = NodeProcess.Start(args);

        Assert.Equal(2, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("usage: ConnActors.Node", node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_cert_turns_cluster_tls_on_with_that_file_and_the_password_only_from_the_environment()
    {
        var (options, error) = NodeOptions.Parse(["--cluster-port", "0", "--cluster-cert", "/etc/connactors/fleet.pfx"]);
        Assert.Null(error);
        Assert.Equal("/etc/connactors/fleet.pfx", options!.ClusterCertificate);
        Assert.Contains("--cluster-cert PFX", NodeOptions.Usage, StringComparison.Ordinal);
        Assert.Contains("CONNACTORS_CLUSTER_CERT_PASSWORD", NodeOptions.Usage, StringComparison.Ordinal);

        var (refused, why) = NodeOptions.Parse(["--cluster-cert", "fleet.pfx", "--cluster-cert-password", "secret"]);
        Assert.Null(refused);
        Assert.Contains("not taken from the command line", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_router_entries_option_that_is_not_a_number_prints_usage_and_fails()
    {
        using var node = NodeProcess.Start("--router-entries", "lots");

        Assert.Equal(2, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("--router-entries needs a number of router entries, not 'lots'", node.Stderr, StringComparison.Ordinal);
        Assert.Contains("usage: ConnActors.Node", node.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("must be 0 or at least 16", "--router-entries", "10")]
    [InlineData("use one or the other", "--router-entries", "200", "--cluster-port", "0", "--site-budget", "400")]
    public async Task A_router_entries_option_the_node_cannot_run_with_stops_it_naming_the_key(string why, params string[] args)
    {
        using var directories = new NodeDirectories("");
        using var node = NodeProcess.Start(["--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--http", "off", .. args]);

        Assert.Equal(1, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("configuration error: connactors.limits.router-entries: ", node.Stderr, StringComparison.Ordinal);
        Assert.Contains(why, node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_linger_key_at_its_old_place_under_cluster_stops_the_node_naming_where_it_moved()
    {
        using var directories = new NodeDirectories("connactors.cluster.router-entry-linger = 60s");
        using var node = NodeProcess.Start("--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--http", "off", "--router-entries", "200");

        Assert.Equal(1, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("configuration error: connactors.cluster.router-entry-linger: has moved to connactors.limits.router-entry-linger", node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_on_the_command_line_is_refused_with_usage()
    {
        using var node = NodeProcess.Start("--cluster-port", "0", "--cluster-cert-password", "secret");

        Assert.Equal(2, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("set CONNACTORS_CLUSTER_CERT_PASSWORD or connactors.cluster.tls.certificate-password", node.Stderr, StringComparison.Ordinal);
        Assert.Contains("usage: ConnActors.Node", node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_certificate_that_does_not_exist_stops_the_node_naming_the_key()
    {
        using var directories = new NodeDirectories("");
        using var node = NodeProcess.Start("--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--http", "off",
            "--cluster-port", "0", "--cluster-cert", Path.Combine(directories.DataDir, "missing.pfx"));

        Assert.Equal(1, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("configuration error: connactors.cluster.tls.certificate-path: the certificate file '", node.Stderr, StringComparison.Ordinal);
        Assert.Contains("missing.pfx' does not exist", node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_certificate_password_from_the_environment_stops_the_node_saying_why()
    {
        using var certificates = new TestCertificates();
        var fleet = certificates.Create("fleet");
        using var directories = new NodeDirectories("");
        using var node = NodeProcess.Start(new Dictionary<string, string> { ["CONNACTORS_CLUSTER_CERT_PASSWORD"] = "not-the-password" },
            "--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--http", "off", "--cluster-port", "0", "--cluster-cert", fleet.Path);

        Assert.Equal(1, await node.WaitForExitAsync(NodeProcess.ExitTimeout));
        Assert.Contains("configuration error: connactors.cluster.tls.certificate-path: ", node.Stderr, StringComparison.Ordinal);
        Assert.Contains("cannot be loaded as a PKCS#12 (PFX) file", node.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", node.Stderr + node.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_cluster_cert_and_the_password_in_the_environment_the_node_joins_its_fleet_over_tls()
    {
        using var certificates = new TestCertificates();
        var fleet = certificates.Create("fleet");
        using var directories = new NodeDirectories("");
        using var node = NodeProcess.Start(new Dictionary<string, string> { ["CONNACTORS_CLUSTER_CERT_PASSWORD"] = TestCertificates.Password },
            "--config-dir", directories.ConfigDir, "--data-dir", directories.DataDir, "--http", "off", "--listen", "/ip4/127.0.0.1/tcp/0",
            "--cluster-port", "0", "--cluster-cert", fleet.Path);

        var member = await node.WaitForStdoutAsync(new System.Text.RegularExpressions.Regex(@"member of the fleet at akka\.ssl\.tcp://connactors@127\.0\.0\.1:\d+"), NodeProcess.StartTimeout);
        Assert.True(member.Success, node.Output);
    }
}
