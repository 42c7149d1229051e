using CsCheck;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Bursts;
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
            long now = 1_000;
            int nextPeer = 0;
            var connected = new List<int>();
            var bursts = new List<BurstId>();
            var released = new List<PeerKey>();

            void Connect(bool outbound)
            {
                int peer = nextPeer++;
                var verdict = outbound ? engine.AdmitOutbound(new PeerKey(peer), Addresses.V4(peer), now) : engine.AdmitInbound(new PeerKey(peer), Addresses.V4(peer), now);
                if (!verdict.Admitted) return;
                connected.Add(peer);
                // Four patterns only: peers connected at the same instant with the same pattern tie exactly.
                var rng = new Random(peer % 4);
                for (int s = 0; s < 4; s++) engine.RecordSignal(new PeerKey(peer), (UsefulnessSignal)s, rng.Next(0, 40), now);
            }
            void Close(int peer)
            {
                if (engine.View(new PeerKey(peer), now) is not { } view) return;
                for (int i = 0; i < view.Inbound; i++) engine.ConnectionClosed(new PeerKey(peer), ConnectionDirection.Inbound, Addresses.V4(peer), now);
                for (int i = 0; i < view.Outbound; i++) engine.ConnectionClosed(new PeerKey(peer), ConnectionDirection.Outbound, Addresses.V4(peer), now);
                connected.Remove(peer);
            }
            void Check()
            {
                Assert.Equal(ReferenceTrimPlanner.ReclaimVictim(engine, now), engine.Planner.ReclaimVictim(now)?.Value);
                Assert.Equal(ReferenceTrimPlanner.UnassignedVictim(engine, now), engine.Planner.UnassignedVictim(now)?.Value);
            }

            var limits = engine.Settings.Limits;
            for (int p = 0; p < limits.HighWater; p++) Connect(outbound: p % 3 == 0);
            foreach (var (kind, index, value) in steps)
            {
                var peer = connected.Count > 0 ? new PeerKey(connected[index % connected.Count]) : new PeerKey(-1);
                switch (kind)
                {
                    case 0: now += value * 100L; break;                          // within grace
                    case 1: now += value * 60_000L; break;                       // up to an hour
                    case 2: for (int i = 0; i <= value % 8; i++) Connect(outbound: value % 2 == 0); break;
                    case 3:
                        double amount = (value % 3) switch { 0 => value * 1e-4, 1 => value, _ => value * 1e6 };
                        engine.RecordSignal(peer, (UsefulnessSignal)(value % 4), amount, now);
                        break;
                    case 4: engine.SetTag(peer, 1 + value % 2, value - 20, now); break;
                    case 5: engine.RequestSlot(value % 2 == 0 ? dht : pubsub, peer, now); break;
                    case 6: engine.ReleaseSlot(value % 2 == 0 ? dht : pubsub, peer, now); break;
                    case 7: engine.Lock(peer, now + value * 2_000L, now); break;
                    case 8:
                        if (value % 3 == 0) engine.SetFriend(peer, value % 2 == 0, now);
                        else engine.SetProtected(peer, value % 2 == 0, now);
                        break;
                    case 9: engine.Penalize(peer, 1 + value, now); break;
                    case 10:
                        var burst = engine.BeginBurst(now);
                        engine.Enlist(burst, peer);
                        bursts.Add(burst);
                        break;
                    case 11:
                        if (bursts.Count == 0) break;
                        engine.EndBurst(bursts[0], now, released);
                        bursts.RemoveAt(0);
                        foreach (var r in released) Close(r.Value);
                        released.Clear();
                        break;
                    case 12: if (peer.Value >= 0) Close(peer.Value); break;
                    case 13: engine.SetOverlap(peer, value / 60.0); break;
                    // A subsystem's ask on a full node, carried out: the victim named is closed.
                    case 14:
                        var decision = engine.RequestSlot(value % 2 == 0 ? dht : pubsub, new PeerKey(nextPeer++), now);
                        if (decision.HasVictim) Close(decision.Victim.Value);
                        break;
                    default: now += 1_000; break;
                }
                Check();
            }
            Check();
            now += 61_000;
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
