using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;

namespace ConnActors.Policy.Benchmarks.Demo;

/// <summary>
/// The <c>demo</c> verb: one scripted scenario on the desktop profile, replayed through v2 and through
/// the basic baseline (same watermarks, go's timings), printed phase by phase.
/// </summary>
internal static class DemoRunner
{
    private const ulong Seed = 20_26_11_25;

    public static int Run(TextWriter output)
    {
        var settings = PolicySettings.ForProfile(ResourceProfile.Desktop);
        var limits = settings.Limits;
        var scenario = Scenario.Generate(Seed, emergencyTarget: limits.LowWater / 2);
        var replays = new[] { PolicyKind.V2, PolicyKind.Basic }
            .Select(kind => new PolicyReplay(PolicyFactory.Create(kind, settings), scenario))
            .ToArray();
        var results = replays.Select(r => r.Run()).ToArray();

        output.WriteLine($"ConnActors policy demo: desktop profile (hard cap {limits.HardCap}, high water {limits.HighWater}, low water {limits.LowWater}),");
        output.WriteLine($"seed {Seed}, {scenario.Events.Count:N0} scripted events over {scenario.EndMs / 1000} s of simulated time.");
        output.WriteLine("basic = go-libp2p BasicConnMgr re-implemented: same watermarks, grace 60 s, silence 10 s, no admission control.");
        for (int p = 0; p < scenario.Phases.Count; p++)
        {
            var phase = scenario.Phases[p];
            output.WriteLine();
            output.WriteLine($"[{p + 1}] {phase.Title}  (t = {phase.StartMs / 1000}..{phase.EndMs / 1000} s)");
            DemoTable.Write(output, replays.Select((r, i) => (r.Name, results[i][p])).ToArray());
        }
        return 0;
    }
}
