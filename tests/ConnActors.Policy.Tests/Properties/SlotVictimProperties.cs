using CsCheck;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// The victim search for a subsystem's slot (eligibility first, branch and bound on lower bounds of the order) must name
/// exactly the peer the plain full pass of <see cref="ReferenceTrimPlanner"/> names — the lowest (order, key) eligible
/// candidate — for a reclaim and for a borrow, whatever the weights, half-lives and saturations of the signals, the
/// outbound reserve, the reservations, and whatever happened before: connections and closes, signals (tiny, large,
/// identical ones recorded at the same instant, which tie), tags, overlap, claims, locks, privilege, penalties,
/// bursts, grace, short and long gaps.
/// </summary>
public class SlotVictimProperties
{
    private static readonly Gen<Scenario> Scenarios = Gen.Select(
        Gen.Int[0, 40].Array[4], Gen.Int[1, 3_600].Array[4], Gen.Int[-3, 7].Array[4], Gen.Int[0, 24], Gen.Int[0, 12], Gen.Int[0, 12])
        .Select((weights, halfLivesS, saturationExponents, outboundReserve, dhtReservation, pubsubReservation) =>
            new Scenario(weights, halfLivesS, saturationExponents, outboundReserve, dhtReservation, pubsubReservation));

    // Per step: what happens, to which peer (an index into the connected ones), a value.
    private static readonly Gen<(int Kind, int Peer, int Value)> Step = Gen.Select(Gen.Int[0, 15], Gen.Int[0, 1_000], Gen.Int[0, 60]);

    [Fact]
    public void The_search_names_the_victim_of_the_plain_full_pass()
    {
        Gen.Select(Scenarios, Step.Array[10, 100]).Sample((scenario, steps) =>
        {
            var engine = scenario.NewEngine();
            var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(scenario.DhtReservation), QuotaAmount.Slots(60))).Id;
            var pubsub = engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(scenario.PubsubReservation), QuotaAmount.Slots(40))).Id;
            var history = new PeerHistory(engine, dht, pubsub, signalPatterns: 4);
            void Check()
            {
                Assert.Equal(ReferenceTrimPlanner.ReclaimVictim(engine, history.Now), engine.Planner.ReclaimVictim(history.Now)?.Value);
                Assert.Equal(ReferenceTrimPlanner.UnassignedVictim(engine, history.Now), engine.Planner.UnassignedVictim(history.Now)?.Value);
            }

            for (int p = 0; p < engine.Settings.Limits.HighWater; p++) history.Connect(outbound: p % 3 == 0);
            foreach (var (kind, index, value) in steps)
            {
                var peer = history.Pick(index);
                switch (kind)
                {
                    case 0: history.Now += value * 100L; break;                          // within grace
                    case 1: history.Now += value * 60_000L; break;                       // up to an hour
                    case 2: for (int i = 0; i <= value % 8; i++) history.Connect(outbound: value % 2 == 0); break;
                    case 3:
                        double amount = (value % 3) switch { 0 => value * 1e-4, 1 => value, _ => value * 1e6 };
                        engine.RecordSignal(peer, (UsefulnessSignal)(value % 4), amount, history.Now);
                        break;
                    case < 4 + PeerHistory.EventKinds: history.Apply(kind - 4, peer, value); break;
                    case 14: engine.SetOverlap(peer, value / 60.0); break;
                    // A subsystem's ask on a full node, carried out: the victim named is closed.
                    default:
                        var decision = engine.RequestSlot(value % 2 == 0 ? dht : pubsub, new PeerKey(history.NextPeer++), history.Now);
                        if (decision.HasVictim) history.Close(decision.Victim.Value);
                        break;
                }
                Check();
            }
            history.Now += 61_000;
            Check();
        }, iter: 400);
    }

    private sealed record Scenario(int[] Weights, int[] HalfLivesS, int[] SaturationExponents, int OutboundReserve, int DhtReservation, int PubsubReservation)
    {
        public ConnectionManagerPolicy NewEngine()
        {
            var limits = ConnectionLimits.DerivedFrom(80, Engines.Generous) with { MaxPendingHandshakes = 80, InboundRateAboveHighWater = 0, OutboundReserve = OutboundReserve };
            var signals = new SignalWeight[4];
            for (int i = 0; i < 4; i++) signals[i] = new SignalWeight(Weights[i], HalfLivesS[i] * 1_000.0, Math.Pow(10, SaturationExponents[i]));
            return new ConnectionManagerPolicy(new PolicySettings
            {
                Limits = limits,
                Scoring = new ScoreSettings { Signals = signals }.Validate(),
                Trim = new TrimSettings { GracePeriodMs = 5_000, GraceMaxCount = 3 },
            });
        }
    }
}
