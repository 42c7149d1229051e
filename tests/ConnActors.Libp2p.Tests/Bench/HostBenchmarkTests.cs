using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Bench;

/// <summary>Keeps the benchmark honest at a small scale; the figures in docs/benchmarks.md come from the program run.</summary>
[Collection("js-libp2p")]
public class HostBenchmarkTests
{
    [Fact]
    public async Task Benchmark_holds_every_connection_for_both_listeners_at_small_scale()
    {
        var results = await HostBenchmark.RunAsync([100], TimeSpan.FromSeconds(90), _ => { }).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(["ConnActors.Libp2p (C#)", "js-libp2p 3.3"], results.Select(r => r.Listener));
        Assert.All(results, r =>
        {
            Assert.Equal(0, r.FailedDials);
            Assert.False(r.OutOfTime);
            Assert.Equal(100, r.Held);
            Assert.True(r.HandshakesPerSecond > 0);
            Assert.True(r.CpuMsPerConnection > 0);
            Assert.True(r.HeldMiB > 0);
        });
        Assert.Contains("| ConnActors.Libp2p (C#) | 100 | 100 |", HostBenchmark.ToMarkdown(results));
    }
}
