using System.Globalization;
using ConnActors.Actors.Bench;

// dotnet run -c Release --project tests/ConnActors.Actors.Bench -- storm [cap] [processes] [nodes per process]
switch (args.FirstOrDefault())
{
    case "storm":
        int cap = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        int processes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
        int nodes = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 500;
        var runs = await StormBench.RunAsync(cap, processes, nodes, Console.Error.WriteLine);
        Console.WriteLine(StormBench.ToMarkdown(runs));
        return 0;
    default:
        Console.Error.WriteLine("usage: ConnActors.Actors.Bench storm [cap] [processes] [nodes per process]");
        return 2;
}
