namespace ConnActors.Sim.Tests;

public class DeterminismTests
{
    [Theory]
    [InlineData("v2")]
    [InlineData("basic")]
    [InlineData("js-like")]
    public void Same_seed_gives_identical_metrics(string policy)
    {
        var scenario = SimTestRuns.Small("churn-storm", nodes: 800, minutes: 15);
        var (first, a) = SimTestRuns.Run(scenario, policy, seed: 42);
        var (second, b) = SimTestRuns.Run(scenario, policy, seed: 42);
        Assert.Equal(a.WithoutMachineFigures(), b.WithoutMachineFigures());
        Assert.Equal(first.Metrics.Samples.Select(s => s.ToCsv()), second.Metrics.Samples.Select(s => s.ToCsv()));
    }

    [Fact]
    public void Another_seed_gives_another_run()
    {
        var scenario = SimTestRuns.Small("dht-heavy", nodes: 800, minutes: 10);
        var (_, a) = SimTestRuns.Run(scenario, "v2", seed: 1);
        var (_, b) = SimTestRuns.Run(scenario, "v2", seed: 2);
        Assert.NotEqual(a.WithoutMachineFigures() with { Seed = 0 }, b.WithoutMachineFigures() with { Seed = 0 });
    }

    [Fact]
    public void Churn_is_the_same_whatever_the_policy()
    {
        var scenario = SimTestRuns.Small("dht-heavy", nodes: 800, minutes: 15);
        var (none, _) = SimTestRuns.Run(scenario, "none");
        var (v2, _) = SimTestRuns.Run(scenario, "v2");
        Assert.Equal(none.Metrics.Samples.Select(s => s.OnlineNodes), v2.Metrics.Samples.Select(s => s.OnlineNodes));
    }
}
