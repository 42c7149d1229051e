using Akka.Configuration;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Configuration;
using ConnActors.Policy;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>A cluster port other machines can reach runs with TLS, or with the operator's explicit word that the network is the fleet's own.</summary>
public sealed class ClusterPlaintextSettingsTests
{
    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("0.0.0.0")]
    [InlineData("gateway")]
    [InlineData("::")]
    public void A_reachable_host_without_tls_is_refused_naming_the_key_and_the_way_out(string host)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read($"connactors.cluster {{ enabled = on, hostname = \"{host}\" }}"));
        Assert.Equal("connactors.cluster.hostname", error.Key);
        Assert.Contains("cluster.tls is off", error.Reason, StringComparison.Ordinal);
        Assert.Contains("cluster.allow-plaintext = on", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "")]
    [InlineData("127.0.0.2", "")]
    [InlineData("::1", "")]
    [InlineData("localhost", "")]
    [InlineData("10.0.0.5", "allow-plaintext = on")]
    public void A_loopback_host_or_the_operators_word_is_accepted(string host, string extra)
    {
        var settings = Read($"connactors.cluster {{ enabled = on, hostname = \"{host}\"\n{extra} }}");
        Assert.Equal(host, settings.Hostname);
        Assert.Equal(extra.Length > 0, settings.AllowPlaintext);
    }

    [Fact]
    public void A_standalone_node_is_not_asked()
    {
        Assert.False(Read("connactors.cluster { enabled = off, hostname = \"10.0.0.5\" }").Enabled);
    }

    private static ClusterSettings Read(string hocon) =>
        ConnActorsSettings.FromConfig(ReferenceConfig.WithDefaults(ConfigurationFactory.ParseString(hocon))).Cluster;
}
