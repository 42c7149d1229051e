using BenchmarkDotNet.Attributes;
using ConnActors.Policy;
using ConnActors.Baselines;
using ConnActors.Policy.Engine;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// Upkeep per simulated minute with 4 decaying values per peer. Basic: the decay ticker's sweep over
/// every peer and tag. v2: Tick has nothing to do; decay is paid when a score is read, so the second v2
/// row reads every tracked peer's score once — what one regulation round reads, and only when a round
/// runs (not every minute).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class DecayUpkeepBenchmarks
{
    private ConnectionManagerPolicy _v2 = null!;
    private BasicConnectionManager _basic = null!;
    private long _nowMs;

    [Params(10_000, 100_000)]
    public int Peers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _v2 = BenchPeers.NewV2(Peers);
        _basic = BenchPeers.NewBasic(Peers, out var tags);
        BenchPeers.Populate(_v2, Peers);
        // Large values so that a fixed decay of 1 per minute never removes a tag during the run.
        BenchPeers.Populate(_basic, tags, Peers, decayingBase: 1_000_000);
        _nowMs = 60_000;
    }

    [Benchmark(Baseline = true)]
    public long Basic_SweepOneMinute()
    {
        _nowMs += 60_000;
        _basic.Tick(_nowMs);
        return _basic.WorkUnits;
    }

    [Benchmark]
    public long V2_TickOneMinute()
    {
        _nowMs += 60_000;
        _v2.Tick(_nowMs);
        return _v2.WorkUnits;
    }

    [Benchmark]
    public double V2_ReadEveryScoreOnce()
    {
        _nowMs += 60_000;
        double sum = 0;
        for (int p = 0; p < Peers; p++) sum += _v2.ScoreOf(new PeerKey(p), _nowMs);
        return sum;
    }
}
