using CsCheck;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// The planner (trim index refreshed from changed peers, cached score bounds, candidates deferred while
/// their order provably stays above the threshold) must choose exactly what the plain full pass of
/// <see cref="ReferenceTrimPlanner"/> chooses, in the same order, whatever happened between rounds:
/// inbound and outbound connections and closes, signals, tags, overlap, claims and releases, locks,
/// friends and protections, penalties, bursts, grace, short (1 s) and long gaps; emergency rounds too.
/// </summary>
public class TrimOracleProperties
{
    // Per step: what happens, to which peer (an index into the connected ones), a value.
    private static readonly Gen<(int Kind, int Peer, int Value)> Step = Gen.Select(Gen.Int[0, 15], Gen.Int[0, 1_000], Gen.Int[0, 60]);

    [Fact]
    public void Every_round_chooses_the_victims_of_the_plain_full_pass()
    {
        Step.Array[20, 160].Sample(steps =>
        {
            var engine = Engines.Small(hardCap: 120, trim: new TrimSettings { GracePeriodMs = 5_000, GraceMaxCount = 4 });
            var limits = engine.Settings.Limits;
            var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(6), QuotaAmount.Slots(60))).Id;
            var pubsub = engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(4), QuotaAmount.Slots(40))).Id;
            var history = new PeerHistory(engine, dht, pubsub);
            var plan = new TrimPlan();
            int rounds = 0;

            void Round()
            {
                long now = history.Now;
                var trigger = engine.CheckRegulation(now);
                var expected = trigger is RegulationTrigger.None or RegulationTrigger.BurstLinger ? null : ReferenceTrimPlanner.Victims(engine, now);
                engine.PlanTrim(now, plan);
                if (expected is not null)
                {
                    rounds++;
                    Assert.Equal(expected, plan.Victims.Select(v => v.Peer.Value).ToList());
                }
                foreach (var victim in plan.Victims.ToList()) history.Close(victim.Peer.Value);
            }

            for (int p = 0; p < limits.HighWater; p++) history.Connect(outbound: p % 3 == 0);
            foreach (var (kind, index, value) in steps)
            {
                var peer = history.Pick(index);
                switch (kind)
                {
                    case 0: history.Now += 1_000; Round(); break;                      // a regulation interval
                    case 1: history.Now += value * 7_000L; Round(); break;             // up to 7 minutes
                    case 2: for (int i = 0; i <= value % 8; i++) history.Connect(outbound: false); break;
                    case 3: history.Connect(outbound: true); break;
                    case < 4 + PeerHistory.EventKinds: history.Apply(kind - 4, peer, value); break;
                    case 14:
                        if (value < 3)
                        {
                            int target = limits.LowWater / 2;
                            var expected = ReferenceTrimPlanner.EmergencyVictims(engine, target, history.Now);
                            engine.PlanEmergencyTrim(history.Now, target, plan);
                            Assert.Equal(expected, plan.Victims.Select(v => v.Peer.Value).ToList());
                            foreach (var victim in plan.Victims.ToList()) history.Close(victim.Peer.Value);
                        }
                        else engine.SetOverlap(peer, value / 60.0);
                        break;
                    default: history.ConnectUpTo(limits.HighWater + value % 10); Round(); break;
                }
            }
            history.ConnectUpTo(limits.HighWater);
            history.Now += 61_000;
            Round();
        }, iter: 300);
    }

    // The engines above track at most a few hundred peers; these rounds take the histogram and radix paths (LargeRounds).
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Rounds_of_a_thousand_candidates_choose_the_victims_of_the_plain_full_pass(ulong seed)
    {
        var rounds = new LargeRounds(seed);
        for (int round = 0; round < 10; round++)
        {
            rounds.Fill(Newcomers.LikeThePopulation);
            rounds.RoundAfter(1_000 + rounds.Random.Next(600_000), round);
        }
    }
}
