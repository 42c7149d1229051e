using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;

namespace ConnActors.Policy.Tests.Scoring;

public class ScoringTests
{
    [Fact]
    public void A_decaying_value_halves_every_half_life_without_being_touched()
    {
        var value = new DecayingValue();
        value.Add(80, 1_000, halfLifeMs: 60_000);
        Assert.Equal(80, value.ValueAt(1_000, 60_000), 9);
        Assert.Equal(40, value.ValueAt(61_000, 60_000), 9);
        Assert.Equal(10, value.ValueAt(181_000, 60_000), 9);
        value.Add(10, 181_000, 60_000);
        Assert.Equal(20, value.ValueAt(181_000, 60_000), 9);
    }

    [Fact]
    public void Useful_peers_score_higher_and_the_gain_fades()
    {
        var engine = Engines.Small();
        engine.ConnectInbound(0, 2, 0);
        var useful = new PeerKey(0);
        var idle = new PeerKey(1);
        for (int i = 0; i < 5; i++) engine.RecordSignal(useful, UsefulnessSignal.SuccessfulQuery, 1, 0);
        double fresh = engine.ScoreOf(useful, 0);
        Assert.True(fresh > engine.ScoreOf(idle, 0));
        Assert.True(engine.ScoreOf(useful, 3_600_000) < fresh);
    }

    [Fact]
    public void The_score_domain_is_bounded_whatever_the_signals()
    {
        var engine = Engines.Small();
        engine.ConnectInbound(0, 1, 0);
        var peer = new PeerKey(0);
        foreach (var signal in Enum.GetValues<UsefulnessSignal>()) engine.RecordSignal(peer, signal, 1e12, 0);
        engine.SetTag(peer, 1, int.MaxValue / 2, 0);
        engine.SetOverlap(peer, 5);
        Assert.Equal(engine.Settings.Scoring.Maximum - engine.Settings.Scoring.OutboundBonus, engine.ScoreOf(peer, 0), 6); // inbound: no outbound bonus
        for (int i = 0; i < 10; i++) engine.Penalize(peer, 1e9, 0);
        engine.SetTag(peer, 1, -int.MaxValue / 2, 0);
        Assert.True(engine.ScoreOf(peer, 0) >= engine.Settings.Scoring.Minimum);
    }

    [Fact]
    public void Penalties_are_retained_for_the_configured_time_then_forgotten()
    {
        var settings = new ScoreSettings { PenaltyRetentionMs = 10_000, PenaltyHalfLifeMs = 1e12 };
        var ledger = new PenaltyLedger(settings);
        ledger.Penalize(new PeerKey(1), 50, 0);
        Assert.Equal(50, ledger.PenaltyOf(new PeerKey(1), 9_999), 6);
        Assert.Equal(0, ledger.PenaltyOf(new PeerKey(1), 10_000));
        var snapshot = ledger.Snapshot(5_000).ToList();
        Assert.Single(snapshot);
        var restored = new PenaltyLedger(settings);
        restored.Restore(snapshot[0]);
        Assert.Equal(50, restored.PenaltyOf(new PeerKey(1), 5_000), 6);
    }

    [Theory]
    [InlineData(double.NaN, 0L, 5_000L, false)]
    [InlineData(double.PositiveInfinity, 0L, 5_000L, false)]
    [InlineData(-50.0, 0L, 5_000L, false)]
    [InlineData(0.0, 0L, 5_000L, false)]
    [InlineData(1e9, 0L, 5_000L, true)] // cut to the limit
    [InlineData(50.0, long.MaxValue, long.MaxValue, true)] // stamped in the future and retained for ever: cut to now and the retention
    public void A_members_penalty_weighs_at_most_what_one_recorded_here_may(double value, long lastUpdateMs, long retainUntilMs, bool taken)
    {
        var settings = new ScoreSettings { PenaltyRetentionMs = 10_000, PenaltyHalfLifeMs = 1e12, PenaltyLimit = 200 };
        var ledger = new PenaltyLedger(settings);
        var peer = new PeerKey(7);
        Assert.Equal(taken, ledger.Merge(new RetainedPenalty(peer, value, lastUpdateMs, retainUntilMs), 1_000));
        double penalty = ledger.PenaltyOf(peer, 1_000);
        Assert.True(double.IsFinite(penalty) && penalty >= 0 && penalty <= settings.PenaltyLimit, $"penalty {penalty}");
        Assert.Equal(taken ? Math.Min(value, 200) : 0, penalty, 6);
        Assert.Equal(0, ledger.PenaltyOf(peer, 1_000 + settings.PenaltyRetentionMs)); // never retained past the retention
    }

    [Theory]
    [InlineData("scoring.penalty-bar-threshold")]
    [InlineData("scoring.signals.successful-queries.half-life")]
    public void Invalid_scoring_settings_name_the_key(string key)
    {
        var settings = key == "scoring.penalty-bar-threshold"
            ? new ScoreSettings { PenaltyBarThreshold = 500 }
            : new ScoreSettings { Signals = [new(1, 1, 1), new(1, 1, 1), new(1, 0, 1), new(1, 1, 1)] };
        Assert.Equal(key, Assert.Throws<PolicyConfigurationException>(() => settings.Validate()).Key);
    }
}

public class ProtocolOverlapTests
{
    [Fact]
    public void Overlap_is_the_share_of_our_protocols_the_peer_speaks()
    {
        var ours = new HashSet<string> { "/ipfs/kad/1.0.0", "/meshsub/1.1.0", "/echo/1.0.0", "/ipfs/id/1.0.0" };
        Assert.Equal(0.5, ProtocolOverlap.Of(ours, ["/ipfs/kad/1.0.0", "/ipfs/id/1.0.0", "/x/1"]), 9);
        Assert.Equal(0, ProtocolOverlap.Of(ours, []));
        Assert.Equal(0, ProtocolOverlap.Of(new HashSet<string>(), ["/ipfs/kad/1.0.0"]));
        // One of ours listed four times is one of ours (review, 2 Dec 2026: it was the whole overlap, weight 25).
        Assert.Equal(0.25, ProtocolOverlap.Of(ours, ["/echo/1.0.0", "/echo/1.0.0", "/echo/1.0.0", "/echo/1.0.0"]), 9);
    }
}
