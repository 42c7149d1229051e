using BenchmarkDotNet.Attributes;
using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// One regulation round at N connected peers (one connection each, all past grace, count above high
/// water). Both plan the same cut, the whole excess down to low water (about 23% of N): basic by sorting
/// every candidate, v2 by one candidate pass that scores everyone (vector exponentials), a histogram threshold
/// and a radix sort of the cheapest (its rounds were once smoothed to 5% of the cap; that was simplified away,
/// so v2 now plans what basic plans).
/// Each iteration plans once; the victims are reconnected (unmeasured) so every round starts from the
/// same shape, a simulated minute later.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(OneCallPerIterationConfig))]
public class TrimPlanningBenchmarks
{
    private ConnectionManagerPolicy _v2 = null!;
    private BasicConnectionManager _basic = null!;
    private DecayingTagId[] _tags = null!;
    private readonly TrimPlan _v2Plan = new();
    private readonly TrimPlan _basicPlan = new();
    private long _nowMs;

    [Params(1_000, 10_000, 100_000)]
    public int Peers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _v2 = BenchPeers.NewV2(Peers, inboundRateCap: false);
        _basic = BenchPeers.NewBasic(Peers, out _tags);
        BenchPeers.Populate(_v2, Peers);
        BenchPeers.Populate(_basic, _tags, Peers);
        _nowMs = 600_000;
    }

    [IterationSetup]
    public void StartRound()
    {
        // Past both grace periods (v2 30 s, basic 60 s) of the previous round's reconnected victims.
        _nowMs += 61_000;
        _basic.Tick(_nowMs);
    }

    [Benchmark(Baseline = true)]
    public int Basic_SortAll()
    {
        _basic.PlanTrim(_nowMs, _basicPlan);
        return _basicPlan.Victims.Count;
    }

    [Benchmark]
    public int V2_SelectRound()
    {
        _v2.PlanTrim(_nowMs, _v2Plan);
        return _v2Plan.Victims.Count;
    }

    [IterationCleanup]
    public void Reconnect()
    {
        foreach (var victim in _v2Plan.Victims)
        {
            BenchPeers.Close(_v2, victim.Peer.Value, _nowMs);
            BenchPeers.ConnectV2(_v2, victim.Peer.Value, _nowMs);
        }
        foreach (var victim in _basicPlan.Victims)
        {
            BenchPeers.Close(_basic, victim.Peer.Value, _nowMs);
            BenchPeers.ConnectBasic(_basic, _tags, victim.Peer.Value, _nowMs);
        }
        _v2Plan.Reset(RegulationTrigger.None, 0, 0);
        _basicPlan.Reset(RegulationTrigger.None, 0, 0);
    }
}
