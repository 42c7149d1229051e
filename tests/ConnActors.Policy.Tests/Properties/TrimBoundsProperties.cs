using CsCheck;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// The planner scores only the candidates its cached score bounds cannot rule out. Whatever happened
/// between rounds (signals, tags, time, closes, new peers), its victims must be exactly those of
/// scoring everyone: the lowest (score, key) candidates.
/// </summary>
public class TrimBoundsProperties
{
    // Per step: time advance (s), peer, signal, amount, tag value, whether a round is planned.
    private static readonly Gen<(int Advance, int Peer, int Signal, int Amount, int Tag, bool Round)> Step =
        Gen.Select(Gen.Int[0, 400], Gen.Int[0, 59], Gen.Int[0, 3], Gen.Int[0, 40], Gen.Int[-5, 25], Gen.Bool);

    [Fact]
    public void Rounds_from_cached_bounds_choose_the_victims_exact_scores_would()
    {
        Step.Array[10, 120].Sample(steps =>
        {
            var engine = Engines.Small(hardCap: 64, trim: new TrimSettings { GracePeriodMs = 0 });
            var limits = engine.Settings.Limits;
            long now = 1_000;
            var connected = new HashSet<int>();
            int nextPeer = 1_000;
            void Connect(int peer)
            {
                if (engine.AdmitInbound(new PeerKey(peer), Addresses.V4(peer), now).Admitted) connected.Add(peer);
            }
            for (int p = 0; p < limits.HighWater; p++) Connect(p);
            var plan = new TrimPlan();
            foreach (var (advance, peerIndex, signal, amount, tag, round) in steps)
            {
                now += advance * 1_000L;
                int peer = connected.ElementAt(peerIndex % connected.Count);
                engine.RecordSignal(new PeerKey(peer), (UsefulnessSignal)signal, amount, now);
                if (tag != 0) engine.SetTag(new PeerKey(peer), 1, tag, now);
                while (engine.Connections < limits.HighWater) Connect(nextPeer++);
                if (!round) continue;
                var expected = ExactVictims(engine, now, engine.Connections - limits.LowWater);
                engine.PlanTrim(now, plan);
                Assert.Equal(expected, plan.Victims.Select(v => v.Peer.Value).ToList());
                foreach (var victim in plan.Victims)
                {
                    engine.ConnectionClosed(victim.Peer, ConnectionDirection.Inbound, Addresses.V4(victim.Peer.Value), now);
                    connected.Remove(victim.Peer.Value);
                }
            }
        }, iter: 200);
    }

    // Every connected peer scored now; the lowest orders first (the planner's order: score above the minimum, then key).
    private static List<int> ExactVictims(ConnectionManagerPolicy engine, long now, int count)
    {
        if (count <= 0) return [];
        double minimum = engine.Settings.Scoring.Minimum;
        return engine.Peers(now)
            .Where(v => v.Inbound + v.Outbound > 0)
            .Select(v => (Order: v.Score - minimum, Peer: v.Peer.Value))
            .OrderBy(v => v.Order).ThenBy(v => v.Peer)
            .Take(count)
            .Select(v => v.Peer)
            .ToList();
    }
}
