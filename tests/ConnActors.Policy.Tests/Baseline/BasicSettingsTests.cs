using ConnActors.Policy;
using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;

namespace ConnActors.Policy.Tests.Baseline;

public class BasicSettingsTests
{
    [Fact]
    public void Library_defaults_are_go_libp2p_defaults()
    {
        var s = BasicSettings.Library;
        Assert.Equal((160, 192, 60_000L, 10_000L, 60_000L), (s.LowWater, s.HighWater, s.GracePeriodMs, s.SilencePeriodMs, s.DecayResolutionMs));
    }

    [Fact]
    public void Kubo_preset_is_32_96_with_20_second_grace()
    {
        var s = BasicSettings.Kubo;
        Assert.Equal((32, 96, 20_000L, 10_000L), (s.LowWater, s.HighWater, s.GracePeriodMs, s.SilencePeriodMs));
    }

    [Fact]
    public void From_limits_takes_the_profile_watermarks_and_go_timings()
    {
        var limits = ResourceProfiles.For(ResourceProfile.Desktop);
        var s = BasicSettings.FromLimits(limits);
        Assert.Equal((limits.LowWater, limits.HighWater, 60_000L), (s.LowWater, s.HighWater, s.GracePeriodMs));
    }

    public static TheoryData<BasicSettings, string> Invalid => new()
    {
        { BasicSettings.Library with { LowWater = 0 }, "basic.low-water" },
        { BasicSettings.Library with { HighWater = 160 }, "basic.high-water" },
        { BasicSettings.Library with { GracePeriodMs = -1 }, "basic.grace-period" },
        { BasicSettings.Library with { SilencePeriodMs = 0 }, "basic.silence-period" },
        { BasicSettings.Library with { DecayResolutionMs = 0 }, "basic.decay-resolution" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_settings_name_their_key(BasicSettings settings, string key)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => new BasicConnectionManager(settings));
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Factory_builds_the_policy_the_kind_names()
    {
        var settings = PolicySettings.ForProfile(ResourceProfile.Desktop);
        Assert.IsType<ConnectionManagerPolicy>(PolicyFactory.Create(PolicyKind.V2, settings));
        var basic = Assert.IsType<BasicConnectionManager>(PolicyFactory.Create(PolicyKind.Basic, settings));
        Assert.Equal(settings.Limits.HighWater, basic.Settings.HighWater);
        var kubo = Assert.IsType<BasicConnectionManager>(PolicyFactory.Create(PolicyKind.Basic, settings, BasicSettings.Kubo));
        Assert.Equal(96, kubo.Settings.HighWater);
    }

    [Theory]
    [InlineData("basic", PolicyKind.Basic)]
    [InlineData("V2", PolicyKind.V2)]
    public void Kind_names_parse_case_insensitively(string name, PolicyKind expected) =>
        Assert.Equal(expected, PolicyFactory.ParseKind(name));

    [Fact]
    public void Unknown_kind_names_the_configuration_key()
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => PolicyFactory.ParseKind("none"));
        Assert.Equal("connection-manager.type", error.Key);
    }
}
