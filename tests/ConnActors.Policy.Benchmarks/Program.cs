using BenchmarkDotNet.Running;
using ConnActors.Policy.Benchmarks.Demo;

namespace ConnActors.Policy.Benchmarks;

/// <summary>Verbs: <c>bench</c> (BenchmarkDotNet), <c>memory</c> (bytes per tracked peer), <c>demo</c> (v2 vs basic replay), <c>retention</c>, <c>trimprobe</c>, <c>slotprobe</c>.</summary>
public static class Program
{
    private const string Usage = """
        usage:
          demo                      replay a scripted desktop scenario through v2 and basic, side by side
          bench [BenchmarkDotNet]   run the benchmarks, e.g.  bench --filter '*'
          memory                    bytes retained per tracked peer at 100,000 peers
          retention [peers]         retained memory while distinct peers churn through, and after their records expire (default 1,000,000)
          trimprobe                 thread CPU time of trim rounds, v2 and basic (env: PROBE_SIZES, PROBE_ROUNDS, PROBE_V2_ONLY)
          slotprobe                 thread CPU time of a subsystem's slot on a full node, reclaim and borrow (env: PROBE_SIZES, PROBE_ROUNDS)
        """;

    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "demo" when args.Length == 1:
                return DemoRunner.Run(Console.Out);
            case "trimprobe":
                return TrimProbe.Run(Console.Out);
            case "slotprobe":
                return SlotProbe.Run(Console.Out);
            case "memory" when args.Length == 1:
                return IndexMemory.Run(Console.Out);
            case "retention" when args.Length <= 2:
                return PeerRetention.Run(Console.Out, args.Length == 2 && int.TryParse(args[1], out int peers) && peers > 0 ? peers : 1_000_000);
            case "bench":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
