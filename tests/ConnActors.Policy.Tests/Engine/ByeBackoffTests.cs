using ConnActors.Policy.Politeness;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;

namespace ConnActors.Policy.Tests.Engine;

public class ByeBackoffTests
{
    [Fact]
    public void An_idle_peer_is_asked_for_the_full_backoff_and_a_recently_active_one_for_the_short_one()
    {
        var engine = Engines.Small();
        var bye = engine.Settings.Bye;
        engine.ConnectInbound(0, 2, 0);
        engine.RecordSignal(new PeerKey(1), UsefulnessSignal.StreamOpened, 1, 10_000);
        engine.RecordSignal(new PeerKey(0), UsefulnessSignal.BytesTransferred, 1_000, 10_000);     // bytes alone are not a stream

        Assert.Equal(bye.BackoffMs, engine.ByeBackoffMs(new PeerKey(0), 20_000));
        Assert.Equal(bye.ActivePeerBackoffMs, engine.ByeBackoffMs(new PeerKey(1), 20_000));
        Assert.Equal(bye.ActivePeerBackoffMs, engine.ByeBackoffMs(new PeerKey(1), 10_000 + bye.ActiveWindowMs));
        Assert.Equal(bye.BackoffMs, engine.ByeBackoffMs(new PeerKey(1), 10_001 + bye.ActiveWindowMs));
        Assert.Equal(bye.BackoffMs, engine.ByeBackoffMs(new PeerKey(99), 20_000));                 // unknown peer
    }

    [Theory]
    [InlineData(-1, 0, 0, "bye.backoff")]
    [InlineData(60_000, 60_001, 0, "bye.active-peer-backoff")]
    [InlineData(60_000, -1, 0, "bye.active-peer-backoff")]
    [InlineData(60_000, 0, -1, "bye.active-window")]
    public void Invalid_bye_settings_name_their_key(long backoff, long active, long window, string key)
    {
        var settings = new ByeBackoffSettings { BackoffMs = backoff, ActivePeerBackoffMs = active, ActiveWindowMs = window };
        var error = Assert.Throws<PolicyConfigurationException>(() => settings.Validate());
        Assert.Equal(key, error.Key);
    }
}
