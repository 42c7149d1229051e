using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Policy;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Tests.Settings;

/// <summary><c>connactors.limits.router-entries</c> and its lingers: off by default, and every bad value (or a linger key at its old place) is refused naming the key and why.</summary>
public class RouterEntriesSettingTests
{
    private const string Key = "connactors.limits.router-entries";

    private static ConnActorsSettings Read(string hocon) => ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void Off_by_default_and_taken_as_given_otherwise()
    {
        Assert.Equal(0, Read("").RouterEntries);
        Assert.Equal(230, Read("connactors.limits.router-entries = 230").RouterEntries);
        Assert.Equal(RouterEntryBudget.MinimumEntries, Read($"connactors.limits.router-entries = {RouterEntryBudget.MinimumEntries}").RouterEntries);
        // The hard cap configured stays as configured: the manager caps it when it starts (ConnectionLedger.BehindRouter).
        Assert.Equal(500, Read("connactors.limits { router-entries = 230, hard-cap = 500 }").Policy.Limits.HardCap);
    }

    [Fact]
    public void The_lingers_are_read_under_limits_with_their_defaults()
    {
        Assert.Equal(new RouterLingers(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(10)), Read("").RouterLingers);
        Assert.Equal(new RouterLingers(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3)),
            Read("connactors.limits { router-entry-linger = 60s, router-reset-linger = 3s }").RouterLingers);
    }

    [Theory]
    [InlineData("connactors.cluster.router-entry-linger = 60s", "router-entry-linger")]
    [InlineData("connactors.cluster { router-reset-linger = 5s }", "router-reset-linger")]
    [InlineData("connactors.cluster { site-budget = 300, router-entry-linger = 120s }", "router-entry-linger")]
    public void A_linger_key_still_under_cluster_is_refused_naming_where_it_moved(string hocon, string name)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read(hocon));
        Assert.Equal($"connactors.cluster.{name}", error.Key);
        Assert.Contains($"has moved to connactors.limits.{name}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("connactors.limits.router-entries = -1", ">= 0")]
    [InlineData("connactors.limits.router-entries = 15", "at least 16")]
    [InlineData("connactors.limits.router-entries = 1", "at least 16")]
    [InlineData("connactors.limits.router-entries = many", "many")]
    [InlineData("connactors.limits.router-entries = 200\nconnactors.cluster { enabled = on, site-budget = 400 }", "use one or the other")]
    [InlineData("connactors.limits.router-entries = 200\nconnactors.cluster.site-budget = 400", "use one or the other")]
    public void Invalid_values_fail_naming_the_key_and_why(string hocon, string why)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read(hocon));
        Assert.Equal(Key, error.Key);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
