using System.Diagnostics;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// Times trim rounds of v2 and basic outside BenchmarkDotNet, in thread CPU time, for profiling one planner at a time
/// (PROBE_SIZES, PROBE_ROUNDS, PROBE_V2_ONLY). The figures of record come from <c>bench</c>.
/// </summary>
internal static class TrimProbe
{
    public static int Run(TextWriter output)
    {
        foreach (int peers in (Environment.GetEnvironmentVariable("PROBE_SIZES") ?? "1000,10000,100000").Split(",").Select(int.Parse))
        {
            var v2 = BenchPeers.NewV2(peers, inboundRateCap: false);
            var basic = BenchPeers.NewBasic(peers, out var tags);
            BenchPeers.Populate(v2, peers);
            BenchPeers.Populate(basic, tags, peers);
            long now = 600_000;
            var plan = new TrimPlan();
            var bplan = new TrimPlan();
            double v2Total = 0, basicTotal = 0;
            var v2Rounds = new List<double>();
            var basicRounds = new List<double>();
            int rounds = int.Parse(Environment.GetEnvironmentVariable("PROBE_ROUNDS") ?? "30");
            for (int r = 0; r < rounds; r++)
            {
                now += 61_000;
                basic.Tick(now);
                double c0 = ThreadCpuClock.Ms();
                v2.PlanTrim(now, plan);
                double c1 = ThreadCpuClock.Ms();
                if (Environment.GetEnvironmentVariable("PROBE_V2_ONLY") is null) basic.PlanTrim(now, bplan);
                double c2 = ThreadCpuClock.Ms();
                double v2ms = c1 - c0, bms = c2 - c1;
                if (r >= rounds / 3) { v2Total += v2ms; basicTotal += bms; v2Rounds.Add(v2ms); basicRounds.Add(bms); }
                if (r < 3 || r % 10 == 0 || r == rounds - 1) output.WriteLine($"{peers} round {r}: v2 {v2ms:F3} ms ({plan.Victims.Count} victims of {plan.CandidatesConsidered}), basic {bms:F3} ms");
                foreach (var victim in plan.Victims) { BenchPeers.Close(v2, victim.Peer.Value, now); BenchPeers.ConnectV2(v2, victim.Peer.Value, now); }
                foreach (var victim in bplan.Victims) { BenchPeers.Close(basic, victim.Peer.Value, now); BenchPeers.ConnectBasic(basic, tags, victim.Peer.Value, now); }
            }
            v2Rounds.Sort();
            basicRounds.Sort();
            output.WriteLine($"{peers}: median of rounds {rounds / 3}..{rounds - 1}: v2 {v2Rounds[v2Rounds.Count / 2]:F3} ms, basic {basicRounds[basicRounds.Count / 2]:F3} ms, ratio {v2Rounds[v2Rounds.Count / 2] / basicRounds[basicRounds.Count / 2]:F3}; fastest: v2 {v2Rounds[0]:F3} ms, basic {basicRounds[0]:F3} ms");
            output.WriteLine($"{peers}: mean of rounds {rounds / 3}..{rounds - 1}: v2 {v2Total / (rounds - rounds / 3):F3} ms, basic {basicTotal / (rounds - rounds / 3):F3} ms, ratio {v2Total / basicTotal:F3}");
        }
        return 0;
    }
}
