using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Tests.Scoring;

public class SubsystemScorerTests
{
    private static readonly ScoreSettings Settings = ScoreSettings.Default;

    [Fact]
    public void A_peer_never_reported_scores_zero_and_reports_raise_it_with_saturation()
    {
        var scorer = new SubsystemScorer<string>(Settings);
        Assert.Equal(0, scorer.Score("a", 0));

        scorer.Record("a", UsefulnessSignal.SuccessfulQuery, 1, 0);
        double one = scorer.Score("a", 0);
        scorer.Record("a", UsefulnessSignal.SuccessfulQuery, 1_000, 0);
        double many = scorer.Score("a", 0);

        var weight = Settings.Signals[(int)UsefulnessSignal.SuccessfulQuery];
        Assert.Equal(weight.Weight * (1 - Math.Exp(-1 / weight.Saturation)), one, 9);
        Assert.True(many > one && many <= weight.Weight, $"{many} should saturate below the weight {weight.Weight}");
    }

    [Fact]
    public void Reports_fade_with_the_signal_half_life()
    {
        var scorer = new SubsystemScorer<string>(Settings);
        var weight = Settings.Signals[(int)UsefulnessSignal.FirstDelivery];
        scorer.Record("a", UsefulnessSignal.FirstDelivery, 4, 0);

        double later = scorer.Score("a", (long)weight.HalfLifeMs);

        Assert.Equal(weight.Weight * (1 - Math.Exp(-2 / weight.Saturation)), later, 9);
    }

    [Fact]
    public void Ranking_puts_the_least_useful_first_and_keeps_the_given_order_on_ties()
    {
        var scorer = new SubsystemScorer<string>(Settings);
        scorer.Record("busy", UsefulnessSignal.SuccessfulQuery, 5, 0);
        scorer.Record("some", UsefulnessSignal.StreamOpened, 1, 0);

        var ranked = scorer.Rank(["busy", "idle-1", "some", "idle-2"], 0);

        Assert.Equal(["idle-1", "idle-2", "some", "busy"], ranked.Select(r => r.Peer));
    }

    [Fact]
    public void The_least_useful_peer_is_the_first_of_the_ranking()
    {
        var scorer = new SubsystemScorer<string>(Settings);
        scorer.Record("busy", UsefulnessSignal.SuccessfulQuery, 5, 0);
        string[] peers = ["busy", "idle-1", "idle-2"];

        Assert.True(scorer.TryLeastUseful(peers, 0, out var least));
        Assert.Equal(scorer.Rank(peers, 0)[0].Peer, least);
        Assert.Equal("idle-1", least);
        Assert.False(scorer.TryLeastUseful([], 0, out _));
    }

    [Fact]
    public void A_forgotten_peer_starts_again_from_zero()
    {
        var scorer = new SubsystemScorer<string>(Settings);
        scorer.Record("a", UsefulnessSignal.SuccessfulQuery, 3, 0);

        scorer.Forget("a");

        Assert.Equal(0, scorer.Score("a", 0));
        Assert.Equal(0, scorer.Count);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_negative_or_non_finite_report_is_refused(double amount)
    {
        var scorer = new SubsystemScorer<string>(Settings);
        Assert.Throws<ArgumentOutOfRangeException>(() => scorer.Record("a", UsefulnessSignal.SuccessfulQuery, amount, 0));
        Assert.Equal(0, scorer.Count);
    }
}
