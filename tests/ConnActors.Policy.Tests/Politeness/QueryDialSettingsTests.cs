using ConnActors.Policy.Limits;
using ConnActors.Policy.Politeness;
using CsCheck;

namespace ConnActors.Policy.Tests.Politeness;

public class QueryDialSettingsTests
{
    [Fact]
    public void Query_dials_keep_the_concurrency_and_are_never_paced_slower_than_the_profiles_dials() =>
        Gen.Int[8, 100_000].Sample(hardCap =>
        {
            var limits = ConnectionLimits.DerivedFrom(hardCap);
            var main = DialQueueSettings.Default.WithCapsOf(limits);
            var queries = main.ForQueryDials().Validate();
            Assert.Equal(main.MaxInFlight, queries.MaxInFlight);
            Assert.Equal(main.MaxLength, queries.MaxLength);
            Assert.True(queries.DialRatePerSecond >= main.DialRatePerSecond);
            Assert.Equal(Math.Max(main.DialRatePerSecond, main.MaxInFlight * DialQueueSettings.QueryDialsPerSlotPerSecond), queries.DialRatePerSecond);
        });

    [Fact]
    public void At_a_hard_cap_of_64_query_dials_may_start_32_a_second_where_the_profile_allows_4()
    {
        var main = DialQueueSettings.Default.WithCapsOf(ConnectionLimits.DerivedFrom(64));
        Assert.Equal(4, main.DialRatePerSecond);
        Assert.Equal(32, main.ForQueryDials().DialRatePerSecond);
    }

    [Fact]
    public void A_configured_query_rate_wins_and_a_bad_one_names_its_key()
    {
        var main = DialQueueSettings.Default with { QueryDialRatePerSecond = 0.5 };
        Assert.Equal(0.5, main.ForQueryDials().DialRatePerSecond);
        var e = Assert.Throws<PolicyConfigurationException>(() => (DialQueueSettings.Default with { QueryDialRatePerSecond = 0 }).Validate());
        Assert.Contains("dial.query-rate", e.Message);
    }
}
