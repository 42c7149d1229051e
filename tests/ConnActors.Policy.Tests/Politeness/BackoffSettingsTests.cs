using ConnActors.Policy.Limits;
using ConnActors.Policy.Politeness;

namespace ConnActors.Policy.Tests.Politeness;

public class BackoffSettingsTests
{
    [Fact]
    public void Presets_are_valid()
    {
        BackoffSettings.DialDefault.Validate("dial.backoff");
        BackoffSettings.GoLibp2pDial.Validate("dial.backoff");
        BackoffSettings.FriendReconnectDefault.Validate("friend-reconnect");
        PolitenessSettings.Default.Validate();
    }

    public static TheoryData<string, BackoffSettings> InvalidCurves => new()
    {
        { "dial.backoff.initial", new BackoffSettings { InitialMs = 0 } },
        { "dial.backoff.factor", new BackoffSettings { Factor = 0.9 } },
        { "dial.backoff.factor", new BackoffSettings { Factor = double.PositiveInfinity } },
        { "dial.backoff.quadratic-step", new BackoffSettings { QuadraticStepMs = -1 } },
        { "dial.backoff.cap", new BackoffSettings { InitialMs = 10_000, CapMs = 9_999 } },
        { "dial.backoff.jitter", new BackoffSettings { Jitter = 1 } },
        { "dial.backoff.jitter", new BackoffSettings { Jitter = -0.1 } },
        { "dial.backoff.jitter", new BackoffSettings { Jitter = double.NaN } },
    };

    [Theory]
    [MemberData(nameof(InvalidCurves))]
    public void Invalid_curve_is_rejected_naming_its_key(string key, BackoffSettings settings)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => settings.Validate("dial.backoff"));
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Invalid_friend_curve_is_named_under_friend_reconnect()
    {
        var settings = PolitenessSettings.Default with { FriendReconnect = new BackoffSettings { Factor = 0.5 } };
        var error = Assert.Throws<PolicyConfigurationException>(() => settings.Validate());
        Assert.Equal("friend-reconnect.factor", error.Key);
        Assert.Throws<PolicyConfigurationException>(() => new FriendReconnectSchedule(settings.FriendReconnect, new DeterministicRandom(1)));
    }

    public static TheoryData<string, PolitenessSettings> InvalidPoliteness => new()
    {
        { "dial.backoff.cap", PolitenessSettings.Default with { DialBackoff = new DialBackoffSettings { Backoff = new BackoffSettings { CapMs = 1 } } } },
        { "dial.forget-after", PolitenessSettings.Default with { DialBackoff = new DialBackoffSettings { ForgetAfterMs = -1 } } },
        { "bye.honour-ceiling", PolitenessSettings.Default with { DialBackoff = new DialBackoffSettings { RemoteByeCeilingMs = -1 } } },
        { "dial.max-queue", PolitenessSettings.Default with { DialQueue = new DialQueueSettings { MaxLength = 0 } } },
        { "dial.aging-interval", PolitenessSettings.Default with { DialQueue = new DialQueueSettings { AgingIntervalMs = 0 } } },
        { "dial.aging-interval", PolitenessSettings.Default with { DialQueue = new DialQueueSettings { AgingIntervalMs = DialQueueSettings.MaxAgingIntervalMs + 1 } } },
        { "limits.dial-concurrency", PolitenessSettings.Default with { DialQueue = new DialQueueSettings { MaxInFlight = 0 } } },
        { "limits.dial-rate", PolitenessSettings.Default with { DialQueue = new DialQueueSettings { DialRatePerSecond = 0 } } },
        { "limits.dial-rate", PolitenessSettings.Default with { DialQueue = new DialQueueSettings { DialRatePerSecond = double.NaN } } },
    };

    [Theory]
    [MemberData(nameof(InvalidPoliteness))]
    public void Invalid_politeness_setting_is_rejected_naming_its_key(string key, PolitenessSettings settings)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => settings.Validate());
        Assert.Equal(key, error.Key);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Dial_queue_caps_come_from_the_resource_profile_and_defaults_match_desktop()
    {
        var tiny = DialQueueSettings.Default.WithCapsOf(ResourceProfiles.For(ResourceProfile.Tiny));
        Assert.Equal((6, 2.0), (tiny.MaxInFlight, tiny.DialRatePerSecond));
        var desktop = ResourceProfiles.For(ResourceProfile.Desktop);
        Assert.Equal(DialQueueSettings.Default, DialQueueSettings.Default.WithCapsOf(desktop));
    }

    [Fact]
    public void Components_refuse_invalid_settings_at_construction()
    {
        Assert.Throws<PolicyConfigurationException>(() => new DialQueue(new DialQueueSettings { MaxLength = 0 }));
        Assert.Throws<PolicyConfigurationException>(() =>
            new DialBackoffTable(new DialBackoffSettings { ForgetAfterMs = -5 }, new DeterministicRandom(1)));
    }
}
