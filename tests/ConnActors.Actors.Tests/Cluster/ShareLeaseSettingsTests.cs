using Akka.Configuration;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Configuration;
using ConnActors.Policy;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>connactors.cluster.share-lease: the defaults, and timings that cannot work refused naming the key and why.</summary>
public sealed class ShareLeaseSettingsTests
{
    [Fact]
    public void The_defaults_are_those_of_reference_conf()
    {
        var settings = Read("connactors.cluster.enabled = on");
        Assert.Equal(ShareLeaseTimings.Default, settings.ShareLease);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.LeaseRenewInterval);
        Assert.Equal(AllocatorSilenceTimings.Default, settings.AllocatorSilence);
    }

    [Fact]
    public void Timings_are_read_from_hocon()
    {
        var settings = Read("connactors.cluster.share-lease { length = 7s, floor-length = 20s, margin = 1s, renew-interval = 2s, quorum-window = 3s, suspect-silence = 3s }");
        Assert.Equal(new ShareLeaseTimings(7_000, 20_000, 1_000, 3_000), settings.ShareLease);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.LeaseRenewInterval);
        Assert.Equal(new AllocatorSilenceTimings(3_000, 30_000, 2_000), settings.AllocatorSilence);
        var silence = Read("connactors.cluster.share-lease { suspect-silence = 2500ms, suspect-hold = 1m }").AllocatorSilence;
        Assert.Equal(new AllocatorSilenceTimings(2_500, 60_000, 1_000), silence);
    }

    [Theory]
    [InlineData("length = 4s, floor-length = 3s", "floor-length", "cluster.share-lease.length")]
    [InlineData("renew-interval = 4s", "renew-interval", "half of cluster.share-lease.length")]
    [InlineData("quorum-window = 1s", "quorum-window", "cluster.share-lease.renew-interval")]
    [InlineData("quorum-window = 8s", "quorum-window", "cluster.share-lease.length")]
    [InlineData("margin = 10ms", "margin", "cluster.share-lease.floor-length")]
    [InlineData("suspect-silence = 1s", "suspect-silence", "cluster.share-lease.renew-interval")]
    [InlineData("suspect-silence = 6s", "suspect-silence", "cluster.share-lease.length")]
    [InlineData("suspect-hold = 5s", "suspect-hold", "cluster.share-lease.length")]
    [InlineData("suspect-silence = 0s", "suspect-silence", "positive")]
    public void Timings_that_cannot_work_are_refused_naming_the_key_at_fault(string hocon, string key, string why)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read($"connactors.cluster.share-lease {{ {hocon} }}"));
        Assert.Equal($"connactors.cluster.share-lease.{key}", error.Key);
        Assert.Contains(why, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_length_is_refused_naming_its_own_key()
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read("connactors.cluster.share-lease.length = 0s"));
        Assert.Equal("connactors.cluster.share-lease.length", error.Key);
    }

    private static ClusterSettings Read(string hocon) =>
        ConnActorsSettings.FromConfig(ReferenceConfig.WithDefaults(ConfigurationFactory.ParseString(hocon))).Cluster;
}
