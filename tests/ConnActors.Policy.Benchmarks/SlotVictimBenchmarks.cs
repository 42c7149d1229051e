using BenchmarkDotNet.Attributes;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// A subsystem's slot on a full node: the policy names a victim with one candidate pass over every peer, scoring exactly
/// only those two lower bounds of the order cannot rule out (TrimPlanner.SlotVictim). <c>V2_ReclaimVictim</c>: a subsystem below its reservation takes the cheapest peer held only by a subsystem
/// above its own (here the DHT holds every tenth peer); <c>V2_UnassignedVictim</c>: a subsystem at its reservation
/// borrows the cheapest peer no subsystem holds. The population is <see cref="BenchPeers"/>' (that of
/// <see cref="TrimPlanningBenchmarks"/>), filled to the cap. Each iteration asks once; the victim is reconnected and the
/// slot given back (unmeasured), so every ask starts from the same shape.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(OneCallPerIterationConfig))]
public class SlotVictimBenchmarks
{
    private ConnectionManagerPolicy _v2 = null!;
    private SubsystemId _dht, _pubsub, _app;
    private PeerKey _newcomer;
    private PeerKey? _victim;
    private SubsystemId _asked;
    private long _nowMs;

    [Params(1_000, 10_000, 100_000)]
    public int Peers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _v2 = BenchPeers.NewV2(Peers, inboundRateCap: false);
        _dht = _v2.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(0), QuotaAmount.Share(0.6))).Id;
        _pubsub = _v2.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(Peers / 10), QuotaAmount.Share(0.3))).Id;
        _app = _v2.Enroll(new QuotaRequest("app", QuotaAmount.Slots(0), QuotaAmount.Share(0.3))).Id;
        int connected = Fill();
        _nowMs = 600_000;
        for (int p = 0; p < connected; p += 10) Claim(_dht, p);
        _newcomer = new PeerKey(connected + 1_000_000);
        if (_v2.RequestSlot(_pubsub, _newcomer, _nowMs) is not { HasVictim: true } reclaim || _v2.RequestSlot(_app, new PeerKey(_newcomer.Value + 1), _nowMs) is not { HasVictim: true } borrow)
            throw new InvalidOperationException($"benchmark setup: the full node named no victim ({connected} connected of a cap of {BenchPeers.LimitsFor(Peers).HardCap})");
        _v2.ReleaseSlot(_pubsub, _newcomer, _nowMs);
        _v2.ReleaseSlot(_app, new PeerKey(_newcomer.Value + 1), _nowMs);
        Reconnect(reclaim.Victim.Value);
        Reconnect(borrow.Victim.Value);
    }

    [IterationSetup]
    public void NextMinute() => _nowMs += 61_000;

    [Benchmark]
    public bool V2_ReclaimVictim() => Ask(_pubsub);

    [Benchmark]
    public bool V2_UnassignedVictim() => Ask(_app);

    [IterationCleanup]
    public void Restore()
    {
        if (_victim is { } victim)
        {
            _v2.ReleaseSlot(_asked, _newcomer, _nowMs);
            Reconnect(victim.Value);
        }
        _victim = null;
    }

    private bool Ask(SubsystemId subsystem)
    {
        var decision = _v2.RequestSlot(subsystem, _newcomer, _nowMs);
        _asked = subsystem;
        _victim = decision.HasVictim ? decision.Victim : null;
        return decision.HasVictim;
    }

    // Connects peers 0.. over the first minute until the node admits no more (its cap, or the ordinary connections' cap).
    private int Fill()
    {
        int p = 0;
        for (; ; p++)
        {
            try { BenchPeers.ConnectV2(_v2, p, p * 60_000L / Peers); }
            catch (InvalidOperationException) { return p; }
        }
    }

    private void Claim(SubsystemId subsystem, int peer)
    {
        if (!_v2.RequestSlot(subsystem, new PeerKey(peer), _nowMs).IsGranted) throw new InvalidOperationException($"benchmark setup: no {subsystem} slot on peer {peer}");
    }

    private void Reconnect(int peer)
    {
        bool heldByDht = peer % 10 == 0;
        BenchPeers.Close(_v2, peer, _nowMs);
        BenchPeers.ConnectV2(_v2, peer, _nowMs);
        if (heldByDht) Claim(_dht, peer);
    }
}
