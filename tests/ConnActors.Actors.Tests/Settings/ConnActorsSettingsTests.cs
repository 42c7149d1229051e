using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Policy;
using ConnActors.Policy.Limits;

namespace ConnActors.Actors.Tests.Settings;

public class ConnActorsSettingsTests
{
    private static ConnActorsSettings Read(string hocon) => ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void Embedded_defaults_give_a_desktop_node_on_loopback()
    {
        var settings = Read("");
        Assert.Equal(ResourceProfile.Desktop, settings.Profile);
        Assert.Equal(ResourceProfiles.For(ResourceProfile.Desktop), settings.Policy.Limits);
        Assert.Equal("/ip4/127.0.0.1/tcp/4001", Assert.Single(settings.Libp2p.Listen).ToString());
        Assert.Equal(["dht", "pubsub", "app"], settings.Quotas.Select(q => q.Name));
        Assert.True(settings.Bye.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Libp2p.WriteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), Read("connactors.libp2p.write-timeout = 3s").Libp2p.WriteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Libp2p.UnacknowledgedDataTimeout);
    }

    [Fact]
    public void A_hard_cap_of_its_own_rederives_the_watermarks()
    {
        var limits = Read("connactors.limits.hard-cap = 1000").Policy.Limits;
        Assert.Equal((1000, 850, 700), (limits.HardCap, limits.HighWater, limits.LowWater));
        Assert.Equal(900, Read("connactors.limits { hard-cap = 1000, high-water = 900 }").Policy.Limits.HighWater);
    }

    [Fact]
    public void Friends_are_parsed_from_multiaddrs()
    {
        var peer = Libp2p.Identity.PrivateKey.Generate().PeerId;
        var settings = Read($"connactors.friends = [\"/ip4/127.0.0.1/tcp/4002/p2p/{peer}\"]");
        Assert.Equal(peer, Assert.Single(settings.Friends).PeerId);
    }

    [Theory]
    [InlineData("", false, 27)]
    [InlineData("connactors.profile = server", true, 285)]
    [InlineData("connactors.dht { mode = server, routing-slots = 5 }", true, 5)]
    [InlineData("connactors { profile = xl, dht.mode = client }", false, 2850)]
    public void The_dht_serves_on_server_profiles_and_holds_the_dht_reservation_as_routing_slots(string hocon, bool server, int routingSlots)
    {
        var dht = Read(hocon).Dht;
        Assert.Equal((true, server, routingSlots, "dht"), (dht.Enabled, dht.ServerMode, dht.RoutingSlots, dht.Subsystem));
    }

    [Theory]
    [InlineData("connactors.limits.hard-cap = -5", "connactors.limits.hard-cap")]
    [InlineData("connactors.limits.high-water = 5000", "connactors.limits.high-water")]
    [InlineData("connactors.limits.low-water = lots", "connactors.limits.low-water")]
    [InlineData("connactors.profile = huge", "connactors.profile")]
    [InlineData("connactors.quotas.dht { reserved = \"90%\", maximum = \"95%\" }", "connactors.quotas.pubsub.reserved")]
    [InlineData("connactors.quotas.app.reserved = \"-3\"", "connactors.quotas.app.reserved")]
    [InlineData("connactors.quotas.app.protocols = [\"/ipfs/kad/1.0.0\"]", "connactors.quotas.app.protocols")]
    [InlineData("connactors.friends = [\"/ip4/127.0.0.1/tcp/4002\"]", "connactors.friends")]
    [InlineData("connactors.friends = [\"not-a-multiaddr\"]", "connactors.friends")]
    [InlineData("connactors.libp2p.listen = [\"/ip4/300.0.0.1/tcp/1\"]", "connactors.libp2p.listen")]
    [InlineData("connactors.libp2p.write-timeout = 0s", "connactors.libp2p.write-timeout")]
    [InlineData("connactors.libp2p.unacknowledged-data-timeout = 500ms", "connactors.libp2p.unacknowledged-data-timeout")]
    [InlineData("connactors.libp2p.handshake-timeout = -1s", "connactors.libp2p.handshake-timeout")]
    [InlineData("connactors.libp2p.reset-on-close = sometimes", "connactors.libp2p.reset-on-close")]
    [InlineData("connactors.libp2p.reset-acknowledgement-wait = 0s", "connactors.libp2p.reset-acknowledgement-wait")]
    [InlineData("connactors.regulation.emergency-target = 2", "connactors.regulation.emergency-target")]
    [InlineData("connactors.regulation.failed-dial-share = 1.5", "connactors.regulation.failed-dial-share")]
    [InlineData("connactors.bye.max-alternatives = 99", "connactors.bye.max-alternatives")]
    [InlineData("connactors.friend-reconnect.factor = 0.5", "connactors.friend-reconnect.factor")]
    [InlineData("connactors.regulation.burst-linger = -1s", "connactors.regulation.burst-linger")]
    [InlineData("connactors.dht.alpha = 0", "connactors.dht.alpha")]
    [InlineData("connactors.dht.follow-up-after = 21", "connactors.dht.follow-up-after")]
    [InlineData("connactors.dht.follow-up-after = -1", "connactors.dht.follow-up-after")]
    [InlineData("connactors.dht.pass-hold-among-closest = 21", "connactors.dht.pass-hold-among-closest")]
    [InlineData("connactors.dht.pass-hold-among-closest = -1", "connactors.dht.pass-hold-among-closest")]
    [InlineData("connactors.dht.share-lookup-slots = sometimes", "connactors.dht.share-lookup-slots")]
    [InlineData("connactors.dht.mode = sometimes", "connactors.dht.mode")]
    [InlineData("connactors.dht.bootstrap = [\"/ip4/127.0.0.1/tcp/4002\"]", "connactors.dht.bootstrap")]
    [InlineData("connactors.dht.max-message-size = 10", "connactors.dht.max-message-size")]
    [InlineData("connactors.dht.request-timeout = 0s", "connactors.dht.request-timeout")]
    [InlineData("connactors.dht.max-inbound-streams-per-connection = 0", "connactors.dht.max-inbound-streams-per-connection")]
    [InlineData("connactors.dht.max-inbound-streams-per-connection = 257", "connactors.dht.max-inbound-streams-per-connection")]
    [InlineData("connactors.dht.slow-query-percentile = 0", "connactors.dht.slow-query-percentile")]
    [InlineData("connactors.dht.slow-query-percentile = 101", "connactors.dht.slow-query-percentile")]
    [InlineData("connactors.dht.routing-slots = many", "connactors.dht.routing-slots")]
    [InlineData("connactors.dht.bad-input-penalty = 0", "connactors.dht.bad-input-penalty")]
    [InlineData("connactors.quotas.dht.protocols = []", "connactors.quotas.dht.protocols")]
    public void Invalid_values_fail_naming_the_key(string hocon, string key)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read(hocon));
        Assert.Equal(key, error.Key);
    }

    [Theory]
    [InlineData("connactors.regulation.max-closes-per-round = 5", "connactors.regulation.max-closes-per-round")]
    [InlineData("connactors.regulation { grace-period = 10s, follow-up-delay = 2s }", "connactors.regulation.follow-up-delay")]
    [InlineData("connactors.regulation.max-closes-per-round = profile", "connactors.regulation.max-closes-per-round")]
    public void A_removed_key_is_refused_naming_it_and_saying_why_it_went(string hocon, string key)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Read(hocon));
        Assert.Equal(key, error.Key);
        Assert.Contains("was removed", error.Reason);
        Assert.Contains("smoothed", error.Reason);
        Assert.Contains("low water at once", error.Reason);
        // Not an unknown key with a guess: the operator learns why, not what else to type.
        Assert.Empty(KnownKeys.Unknown(ConfigurationFactory.ParseString(hocon), ReferenceConfig.Default));
        Assert.False(ReferenceConfig.Default.HasPath(key));
    }
}
