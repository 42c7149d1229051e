using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// A round's pass ranks the candidates at or under the last round's k-th lowest bucket as it scores them. Whatever
/// that guess was (the same bucket as this round's, above it, or below it), the round must choose what the plain full
/// pass of <see cref="ReferenceTrimPlanner"/> chooses. The peers that replace a round's victims are, per round, all
/// cheap (no signals, no tags: this round's bucket falls below the guess), all dear (it rises above the guess), or
/// like the rest (a steady run of rounds, as in the benchmarks, where the guess is this round's bucket).
/// </summary>
public class TrimRankGuessProperties
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rounds_whose_bucket_moves_either_way_choose_the_victims_of_the_plain_full_pass(ulong seed)
    {
        var engine = Engines.Small(hardCap: 2_000);
        var limits = engine.Settings.Limits;
        var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(50), QuotaAmount.Slots(600))).Id;
        var random = new DeterministicRandom(seed);
        var plan = new TrimPlan();
        long now = 1_000;
        int next = 0;
        for (int round = 0; round < 30; round++)
        {
            // 0: cheap newcomers, 1: dear ones, otherwise like the population.
            int kind = round < 4 ? 2 : random.Next(4);
            for (int tries = 0; engine.Connections < limits.HighWater + 100 && tries < 5_000; tries++)
            {
                var key = new PeerKey(next++);
                var verdict = key.Value % 3 == 0 ? engine.AdmitOutbound(key, Addresses.V4(key.Value), now) : engine.AdmitInbound(key, Addresses.V4(key.Value), now);
                if (!verdict.Admitted || kind == 0) continue;
                if (random.Next(3) > 0) engine.SetTag(key, 1, random.Next(20), now);
                for (int s = 0; s < 4; s++)
                {
                    int value = kind == 1 ? 20 + random.Next(40) : random.Next(3) == 0 ? random.Next(40) : 1 + random.Next(3);
                    if (random.Next(4) > 0) engine.RecordSignal(key, (UsefulnessSignal)s, value, now);
                }
                if (random.Next(10) == 0) engine.RequestSlot(dht, key, now);
            }
            // Past grace (30 s by default); a short gap keeps the orders where they were, a long one lets them decay.
            now += random.Next(2) == 0 ? 31_000 : 31_000 + random.Next(900_000);
            Assert.NotEqual(RegulationTrigger.None, engine.CheckRegulation(now));
            var expected = ReferenceTrimPlanner.Victims(engine, now);
            engine.PlanTrim(now, plan);
            Assert.True(plan.Victims.Count > 256, $"round {round}: {plan.Victims.Count} victims");
            Assert.Equal(expected, plan.Victims.Select(v => v.Peer.Value).ToList());
            engine.CarryOut(plan, now);
        }
    }
}
