using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Policy;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Tests.Settings;

/// <summary><c>connactors.limits.router-entries</c>: off by default, and every bad value is refused naming the key and why.</summary>
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
