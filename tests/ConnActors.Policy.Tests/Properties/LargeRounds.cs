using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>What the newcomers that fill a <see cref="LargeRounds"/> engine carry.</summary>
public enum Newcomers
{
    /// <summary>Tags and small signals, sometimes larger ones, sometimes a dht claim: like the population.</summary>
    LikeThePopulation,
    /// <summary>Nothing: no tag, no signal, no claim.</summary>
    Cheap,
    /// <summary>Large signals.</summary>
    Dear,
}

/// <summary>
/// Trim rounds of more than 256 victims among about 1,800 candidates of a 2,000 cap, each compared with the plain full
/// pass of <see cref="ReferenceTrimPlanner"/>: above 512 tracked peers a round counts a histogram of the orders and,
/// with more than 256 ranked, radix-sorts them. Small signal values recorded at the same instants make exact ties.
/// </summary>
internal sealed class LargeRounds
{
    private readonly ConnectionManagerPolicy _engine = Engines.Small(hardCap: 2_000);
    private readonly SubsystemId _dht;
    private readonly TrimPlan _plan = new();
    private long _now = 1_000;
    private int _next;

    public LargeRounds(ulong seed)
    {
        Random = new DeterministicRandom(seed);
        _dht = _engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(50), QuotaAmount.Slots(600))).Id;
    }

    public DeterministicRandom Random { get; }

    /// <summary>Connects new peers (a third of them dialed) until the engine holds 100 more than its high water.</summary>
    public void Fill(Newcomers kind)
    {
        for (int tries = 0; _engine.Connections < _engine.Settings.Limits.HighWater + 100 && tries < 5_000; tries++)
        {
            var key = new PeerKey(_next++);
            var verdict = key.Value % 3 == 0 ? _engine.AdmitOutbound(key, Addresses.V4(key.Value), _now) : _engine.AdmitInbound(key, Addresses.V4(key.Value), _now);
            if (!verdict.Admitted || kind == Newcomers.Cheap) continue;
            if (Random.Next(3) > 0) _engine.SetTag(key, 1, Random.Next(20), _now);
            for (int s = 0; s < 4; s++)
            {
                if (Random.Next(4) > 0) _engine.RecordSignal(key, (UsefulnessSignal)s, SignalValue(kind), _now);
            }
            if (Random.Next(10) == 0) _engine.RequestSlot(_dht, key, _now);
        }
    }

    private int SignalValue(Newcomers kind) => kind == Newcomers.Dear ? 20 + Random.Next(40) : Random.Next(3) == 0 ? Random.Next(40) : 1 + Random.Next(3);

    /// <summary>Plans a round <paramref name="gapMs"/> later, checks it against the full pass and closes its victims.</summary>
    public void RoundAfter(long gapMs, int round)
    {
        _now += gapMs;
        Assert.NotEqual(RegulationTrigger.None, _engine.CheckRegulation(_now));
        var expected = ReferenceTrimPlanner.Victims(_engine, _now);
        _engine.PlanTrim(_now, _plan);
        Assert.True(_plan.Victims.Count > 256, $"round {round}: {_plan.Victims.Count} victims");
        Assert.Equal(expected, _plan.Victims.Select(v => v.Peer.Value).ToList());
        _engine.CarryOut(_plan, _now);
    }
}
