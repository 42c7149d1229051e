namespace ConnActors.Libp2p.Tests.Bench;

/// <summary>
/// Entry point when this assembly runs as a program (tests run through the test host and ignore it):
/// <c>listen</c> starts a C# listener driven over JSON lines; <c>bench</c> runs the whole-node benchmark.
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "listen":
                await ListenerProgram.RunAsync();
                return 0;
            case "bench":
                var counts = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [1_000, 10_000];
                var budget = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300);
                var results = await HostBenchmark.RunAsync(counts, budget, Console.Error.WriteLine);
                Console.WriteLine(HostBenchmark.ToMarkdown(results));
                return 0;
            default:
                Console.Error.WriteLine("usage: dotnet ConnActors.Libp2p.Tests.dll listen | bench [count,count,...] [dial budget in seconds per run]");
                return 2;
        }
    }
}
