using System.Globalization;
using BenchmarkDotNet.Running;
using ConnActors.Actors.Bench;

const string usage = """
    usage: ConnActors.Actors.Bench <verb>
      storm [cap] [processes] [nodes per process]   inbound storm: ConnActors node vs js-libp2p listener, same cap
      hold [count] [dial budget s]                  N distinct peers held by the node, the bare host and js-libp2p
      slowloris [attackers] [attempts]              honest js pings during a slowloris from many loopback addresses: node vs js-libp2p
      peer-actors [count]                           managed bytes per PeerActor with count alive
      store-retention [penalties]                   the peer store's memory and database while penalties churn through and expire
      bench [BenchmarkDotNet args]                  code benchmarks, e.g. bench --filter '*'
      dht [servers] [lookups] [provides] [cap]      Kad-DHT side by side: ConnActors node vs js-libp2p node in a js DHT swarm
      node-listen <hard cap> | host-listen          listeners driven over JSON lines (started by hold)
      dht-node <hard cap> after|slow-p90 <bootstrap...> the DHT benchmark's ConnActors node (started by dht)
    """;

try
{
    switch (args.FirstOrDefault())
    {
        case "storm":
            int cap = Arg(1, 200), processes = Arg(2, 4), nodes = Arg(3, 500);
            Console.WriteLine(StormBench.ToMarkdown(await StormBench.RunAsync(cap, processes, nodes, Console.Error.WriteLine)));
            return 0;
        case "hold":
            var runs = await HoldBench.RunAsync(Arg(1, 10_000), TimeSpan.FromSeconds(Arg(2, 300)), Console.Error.WriteLine);
            Console.WriteLine(HoldBench.ToMarkdown(runs));
            return 0;
        case "slowloris":
            Console.WriteLine(SlowlorisBench.ToMarkdown(await SlowlorisBench.RunAsync(Arg(1, 300), Arg(2, 10), Console.Error.WriteLine)));
            return 0;
        case "peer-actors":
            return await PeerActorMemory.RunAsync(Arg(1, 10_000), Console.Out);
        case "store-retention":
            return await StoreRetention.RunAsync(Arg(1, 100_000), Console.Out);
        case "bench":
            BenchmarkSwitcher.FromAssembly(typeof(GateAdmissionBenchmarks).Assembly).Run(args[1..]);
            return 0;
        case "dht":
            var dhtRuns = await DhtBench.RunAsync(Arg(1, 200), Arg(2, 200), Arg(3, 50), Arg(4, 64), Console.Error.WriteLine);
            Console.WriteLine(DhtBench.ToMarkdown(dhtRuns));
            return 0;
        case "dht-node" when args.Length >= 3 && DhtNodeProgram.Variants.Contains(args[2]):
            await DhtNodeProgram.RunAsync(Arg(1, 64), args[2], args[3..]);
            return 0;
        case "node-listen" when args.Length == 2:
            await NodeListenerProgram.RunAsync(Arg(1, 0));
            return 0;
        case "host-listen" when args.Length == 1:
            await ConnActors.Libp2p.Tests.Bench.ListenerProgram.RunAsync();
            return 0;
        default:
            Console.Error.WriteLine(usage);
            return 2;
    }
}
catch (FormatException e)
{
    Console.Error.WriteLine($"{e.Message}\n{usage}");
    return 2;
}

int Arg(int index, int fallback)
{
    if (args.Length <= index) return fallback;
    if (!int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
        throw new FormatException($"argument {index} must be a positive whole number, was '{args[index]}'");
    return value;
}
