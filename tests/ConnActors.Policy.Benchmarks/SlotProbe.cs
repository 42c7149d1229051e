namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// Times a subsystem's slot on a full node outside BenchmarkDotNet, in thread CPU time: <see cref="SlotVictimBenchmarks"/>'
/// asks driven by hand, many more of them than its 55 iterations (PROBE_SIZES, PROBE_ROUNDS), with the bytes allocated
/// by the timed asks. The figures of record come from <c>bench</c>.
/// </summary>
internal static class SlotProbe
{
    public static int Run(TextWriter output)
    {
        int rounds = int.Parse(Environment.GetEnvironmentVariable("PROBE_ROUNDS") ?? "60");
        foreach (int peers in (Environment.GetEnvironmentVariable("PROBE_SIZES") ?? "1000,10000,100000").Split(",").Select(int.Parse))
        {
            foreach (var (name, ask) in new (string, Func<SlotVictimBenchmarks, bool>)[] { ("reclaim", b => b.V2_ReclaimVictim()), ("borrow", b => b.V2_UnassignedVictim()) })
            {
                var bench = new SlotVictimBenchmarks { Peers = peers };
                bench.Setup();
                var times = new List<double>();
                long allocated = 0;
                for (int r = 0; r < rounds; r++)
                {
                    bench.NextMinute();
                    long a0 = GC.GetAllocatedBytesForCurrentThread();
                    double c0 = ThreadCpuClock.Ms();
                    if (!ask(bench)) throw new InvalidOperationException($"{name} at {peers} peers named no victim");
                    double c1 = ThreadCpuClock.Ms();
                    long a1 = GC.GetAllocatedBytesForCurrentThread();
                    if (r >= rounds / 3) { times.Add((c1 - c0) * 1000); allocated += a1 - a0; }
                    bench.Restore();
                }
                times.Sort();
                output.WriteLine($"{peers} {name}: asks {rounds / 3}..{rounds - 1}: median {times[times.Count / 2]:F1} us, mean {times.Average():F1} us, fastest {times[0]:F1} us, {allocated} B allocated");
            }
        }
        return 0;
    }
}
