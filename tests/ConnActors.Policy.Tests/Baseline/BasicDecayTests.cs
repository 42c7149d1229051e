using ConnActors.Policy;
using ConnActors.Baselines;

namespace ConnActors.Policy.Tests.Baseline;

public class BasicDecayTests
{
    private static readonly PeerKey Peer = new(1);

    [Fact]
    public void Fixed_decay_subtracts_once_per_interval_and_removes_at_zero()
    {
        var f = new BasicFixture();
        var tag = f.Manager.RegisterDecayingTag("dht", 60_000, DecayRule.Fixed(4), BumpRule.SumUnbounded);
        f.Connect(1, 0);
        f.Manager.BumpDecayingTag(Peer, tag, 10, 0);
        f.Manager.Tick(59_999);
        Assert.Equal(10, f.Manager.ValueOf(Peer));
        f.Manager.Tick(60_000);
        Assert.Equal(6, f.Manager.ValueOf(Peer));
        f.Manager.Tick(120_000);
        f.Manager.Tick(180_000);
        Assert.Equal(0, f.Manager.ValueOf(Peer));
        f.Manager.BumpDecayingTag(Peer, tag, 3, 180_000);
        Assert.Equal(3, f.Manager.ValueOf(Peer)); // the removed value starts again from zero
    }

    [Fact]
    public void Linear_decay_multiplies_and_floors()
    {
        var f = new BasicFixture();
        var tag = f.Manager.RegisterDecayingTag("bitswap", 60_000, DecayRule.Linear(0.5), BumpRule.SumUnbounded);
        f.Connect(1, 0);
        f.Manager.BumpDecayingTag(Peer, tag, 7, 0);
        f.Manager.Tick(60_000);
        Assert.Equal(3, f.Manager.ValueOf(Peer));
    }

    [Fact]
    public void A_tag_with_a_longer_interval_decays_only_on_its_own_fires()
    {
        var f = new BasicFixture();
        var slow = f.Manager.RegisterDecayingTag("slow", 120_000, DecayRule.Fixed(1), BumpRule.SumUnbounded);
        var fast = f.Manager.RegisterDecayingTag("fast", 1_000, DecayRule.Fixed(1), BumpRule.SumUnbounded); // raised to 60 s
        f.Connect(1, 0);
        f.Manager.BumpDecayingTag(Peer, slow, 100, 0);
        f.Manager.BumpDecayingTag(Peer, fast, 100, 0);
        f.Manager.Tick(60_000);
        Assert.Equal(199, f.Manager.ValueOf(Peer));
        f.Manager.Tick(120_000);
        Assert.Equal(197, f.Manager.ValueOf(Peer));
    }

    [Fact]
    public void The_sweep_visits_every_entry_and_every_decaying_value()
    {
        var f = new BasicFixture();
        var tags = Enumerable.Range(0, 4).Select(i => f.Manager.RegisterDecayingTag($"t{i}", 60_000, DecayRule.Fixed(1), BumpRule.SumUnbounded)).ToArray();
        f.ConnectRange(0, 100, 0);
        for (int p = 0; p < 100; p++)
        {
            foreach (var t in tags) f.Manager.BumpDecayingTag(new PeerKey(p), t, 10, 0);
        }
        long before = f.Manager.WorkUnits;
        f.Manager.Tick(60_000);
        Assert.Equal(100 + 100 * 4, f.Manager.WorkUnits - before);
        Assert.Equal(36, f.Manager.ValueOf(new PeerKey(42)));
    }

    [Theory]
    [InlineData(BumpKind.SumUnbounded, 15)]
    [InlineData(BumpKind.SumBounded, 12)]
    [InlineData(BumpKind.Overwrite, 5)]
    public void Bumps_follow_their_rule(BumpKind kind, int expected)
    {
        var f = new BasicFixture();
        var tag = f.Manager.RegisterDecayingTag("t", 60_000, DecayRule.None, new BumpRule(kind, 0, 12));
        f.Manager.BumpDecayingTag(Peer, tag, 10, 0);
        f.Manager.BumpDecayingTag(Peer, tag, 5, 0);
        Assert.Equal(expected, f.Manager.ValueOf(Peer));
    }

    [Fact]
    public void Removing_a_decaying_tag_takes_its_value_off_the_peer()
    {
        var f = new BasicFixture();
        var tag = f.Manager.RegisterDecayingTag("t", 60_000, DecayRule.None, BumpRule.SumUnbounded);
        f.Connect(1, 0);
        f.Manager.SetTag(Peer, 9, 2, 0);
        f.Manager.BumpDecayingTag(Peer, tag, 10, 0);
        f.Manager.RemoveDecayingTag(Peer, tag);
        Assert.Equal(2, f.Manager.ValueOf(Peer));
    }

    [Fact]
    public void Duplicate_names_and_bad_rules_are_refused()
    {
        var f = new BasicFixture();
        f.Manager.RegisterDecayingTag("t", 60_000, DecayRule.None, BumpRule.SumUnbounded);
        Assert.Throws<ArgumentException>(() => f.Manager.RegisterDecayingTag("t", 60_000, DecayRule.None, BumpRule.SumUnbounded));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Manager.RegisterDecayingTag("u", 60_000, DecayRule.Linear(1.5), BumpRule.SumUnbounded));
    }
}
