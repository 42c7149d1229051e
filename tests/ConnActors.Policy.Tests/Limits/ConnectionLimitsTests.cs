using ConnActors.Policy.Limits;

namespace ConnActors.Policy.Tests.Limits;

public class ConnectionLimitsTests
{
    [Theory]
    [InlineData(ResourceProfile.Tiny)]
    [InlineData(ResourceProfile.Desktop)]
    [InlineData(ResourceProfile.Server)]
    [InlineData(ResourceProfile.Xl)]
    public void Every_profile_is_coherent_and_ordered(ResourceProfile profile)
    {
        var limits = ResourceProfiles.For(profile).Validate();
        Assert.True(limits.LowWater < limits.HighWater && limits.HighWater < limits.HardCap);
        Assert.True(limits.OutboundReserve + limits.FriendReserve < limits.HardCap);
    }

    [Fact]
    public void Profiles_grow_from_tiny_to_xl()
    {
        var caps = Enum.GetValues<ResourceProfile>().Select(p => ResourceProfiles.For(p).HardCap).ToArray();
        Assert.Equal(caps.OrderBy(c => c), caps);
    }

    [Fact]
    public void Desktop_stays_inside_a_small_router_table() =>
        Assert.True(ResourceProfiles.For(ResourceProfile.Desktop).HardCap <= 256);

    [Theory]
    [InlineData("XL", ResourceProfile.Xl)]
    [InlineData("desktop", ResourceProfile.Desktop)]
    public void Profile_names_parse_case_insensitively(string name, ResourceProfile expected) =>
        Assert.Equal(expected, ResourceProfiles.Parse(name));

    [Fact]
    public void Unknown_profile_names_the_key()
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => ResourceProfiles.Parse("huge", "connactors.profile"));
        Assert.Equal("connactors.profile", error.Key);
        Assert.Contains("huge", error.Message);
    }

    public static TheoryData<string, Func<ConnectionLimits, ConnectionLimits>> Incoherent => new()
    {
        { "limits.high-water", l => l with { HighWater = l.HardCap } },
        { "limits.low-water", l => l with { LowWater = l.HighWater } },
        { "limits.hard-cap", l => l with { HardCap = -5 } },
        { "limits.outbound-reserve", l => l with { OutboundReserve = -1 } },
        { "limits.friend-reserve", l => l with { FriendReserve = l.HardCap - l.OutboundReserve } },
        { "limits.max-per-peer", l => l with { MaxPerPeer = 0 } },
        { "limits.max-pending-handshakes", l => l with { MaxPendingHandshakes = 0 } },
        { "limits.dial-rate", l => l with { DialRatePerSecond = double.NaN } },
        { "limits.subnets.max-per-ipv6-48", l => l with { Subnets = l.Subnets with { MaxPerIPv6Slash48 = 1 } } },
    };

    [Theory]
    [MemberData(nameof(Incoherent))]
    public void Incoherent_settings_are_rejected_naming_the_key(string key, Func<ConnectionLimits, ConnectionLimits> spoil)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => spoil(ResourceProfiles.For(ResourceProfile.Desktop)).Validate());
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Watermarks_are_derived_from_the_hard_cap()
    {
        var limits = ConnectionLimits.DerivedFrom(1_000);
        Assert.Equal(850, limits.HighWater);
        Assert.Equal(700, limits.LowWater);
        Assert.Equal(100, limits.OutboundReserve);
        Assert.Equal(900, limits.MaxInbound);
    }

    [Theory]
    [InlineData(8L << 30, 1_024, 512)]           // FDs bind: 1024 / 2
    [InlineData(1L << 30, 1_048_576, 1_024)]     // memory binds: 1 GiB / 8 / 128 KiB
    [InlineData(64L << 20, 1_048_576, 64)]       // a small device
    [InlineData(1L << 40, 100_000_000, 100_000)] // clamped at the top
    [InlineData(1L << 20, 10, 16)]               // clamped at the bottom
    public void Autoscale_follows_the_documented_formula(long memory, long fds, int expected) =>
        Assert.Equal(expected, AutoScale.HardCapFor(memory, fds));

    [Fact]
    public void Autoscale_rejects_nonsense_naming_the_key() =>
        Assert.Equal("limits.autoscale.memory", Assert.Throws<PolicyConfigurationException>(() => AutoScale.HardCapFor(0, 100)).Key);
}
