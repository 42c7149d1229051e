using System.Globalization;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Policies;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Cli;

/// <summary>
/// Parsed command line; <see cref="Parse"/> throws <see cref="UsageException"/> on anything wrong. The summary files
/// it names are read while parsing: <see cref="ScaleRows"/> (<c>--scale-summary</c>) and <see cref="ReportRows"/>
/// (<c>--report-from</c>, which runs nothing).
/// </summary>
internal sealed record CliOptions(
    IReadOnlyList<ScenarioSettings> Scenarios, IReadOnlyList<PolicyVariant> Policies, int? Nodes, ulong Seed,
    string OutDirectory, double? Minutes, bool Progress, bool Validate, bool Plots, IReadOnlyList<RunSummary>? ScaleRows = null, int Parallel = 1,
    double? FleetCapacity = null, IReadOnlyList<RunSummary>? ReportRows = null)
{
    public const string Usage = """
        Usage: ConnActors.Sim --scenario <name|all> [--nodes <N>] [--policy <list|all>] [--seed <s>] --out <dir>
                              [--minutes <m>] [--validate] [--no-plots] [--quiet] [--scale-summary <csv,...>]
                              [--parallel <n>] [--fleet-capacity <c>]
               ConnActors.Sim --report-from <summary.csv> --out <dir> [--scale-summary <csv,...>] [--no-plots]

          --scenario  router-killing, dht-heavy, pubsub-overlay, flash-crowd, churn-storm, fleet-backbone,
                      scale, shared-router, fleet, subsystem-contention, dht-side-by-side, validate-hops,
                      validate-churn, or all (the six comparison scenarios)
          --nodes     network size (default: each scenario's, 10000)
          --policy    comma-separated: none, basic, js-like, v2, v2-no-quotas, v2-no-lazy, v2-no-burst,
                      v2-no-bye, v2-no-ratecap; or all (default, these nine); also the ablations
                      v2-no-router-entries (v2 counting only open connections, no router budget or site
                      split), v2-no-owntrim (no backoff after the node's own trims), v2-no-linger (no
                      regulation.burst-linger), v2-fin-close (closes with FIN, not a reset), v2-no-slow-queries
                      (waits out every failed query), v2-no-follow-up (alpha at a time to the end),
                      v2-strict-hold (never asks a held closest peer past the own-trim hold),
                      v2-no-slot-sharing (a node's lookups share no dht slots), v2-no-room-sharing (no room
                      made on a full node), v2-share-once (a query given a shared slot never asks for room
                      after), basic-no-followup (basic's lookups end when the 3 closest answered, without
                      go's follow-up of the top k), and v2-fleet, v2-fleet-dedup, v2-fleet-handoff,
                      v2-fleet-full (without and with the fleet's deduplication and handoff, for fleet)
          --seed      unsigned integer (default 1); the same seed gives the same results
          --out       output directory (CSV per run, summary.csv, report.md with PNG plots)
          --minutes   simulated duration (default: each scenario's, 60)
          --validate  also run the validations (hop counts at ~15k DHT servers, session lengths)
          --no-plots  skip the PNG plots
          --quiet     no progress bar
          --scale-summary  comma-separated summary.csv files of runs made apart (the 100,000- and 1M-node
                      runs) to add to the report's "what v2 buys you" table, one row group per scenario,
                      network size and simulated time
          --parallel  runs at most this many simulations at once (default 1; same figures, but wall times
                      and the peak working set in summary.csv are then those of runs sharing the process)
          --fleet-capacity  the fleet members' hard caps together, in connections per node of the network
                      (default: the scenario's; fleet: 0.7); only for scenarios with a fleet
          --report-from  runs nothing: writes <dir>/report.md from the rows of a summary.csv (runs made in
                      separate processes, one per policy, so that each has its own peak memory; or a report
                      written again with --scale-summary rows); links the plots already in <dir>, if any
        """;

    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        string? scenario = null, policy = null, nodes = null, seed = null, output = null, minutes = null, scaleSummary = null, parallel = null, fleetCapacity = null, reportFrom = null;
        bool progress = true, validate = false, plots = true;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--scenario": scenario = Value(args, ref i); break;
                case "--policy": policy = Value(args, ref i); break;
                case "--nodes": nodes = Value(args, ref i); break;
                case "--seed": seed = Value(args, ref i); break;
                case "--out": output = Value(args, ref i); break;
                case "--minutes": minutes = Value(args, ref i); break;
                case "--quiet": progress = false; break;
                case "--validate": validate = true; break;
                case "--no-plots": plots = false; break;
                case "--scale-summary": scaleSummary = Value(args, ref i); break;
                case "--parallel": parallel = Value(args, ref i); break;
                case "--fleet-capacity": fleetCapacity = Value(args, ref i); break;
                case "--report-from": reportFrom = Value(args, ref i); break;
                default: throw new UsageException($"unknown argument '{arg}'");
            }
        }
        if (output is null) throw new UsageException("--out is required");
        if (reportFrom is not null)
        {
            if (scenario is not null || policy is not null || nodes is not null || minutes is not null || validate || fleetCapacity is not null)
                throw new UsageException("--report-from runs nothing: it takes only --out, --scale-summary and --no-plots");
            if (!File.Exists(reportFrom)) throw new UsageException($"--report-from: no file '{reportFrom}'");
            var reportRows = ReadSummary(reportFrom, "--report-from");
            return new CliOptions([], [], null, 1, output, null, false, false, plots, ReadScaleSummary(scaleSummary), ReportRows: reportRows);
        }
        if (scenario is null) throw new UsageException("--scenario is required");
        var scenarios = string.Equals(scenario, "all", StringComparison.OrdinalIgnoreCase)
            ? ScenarioCatalog.All.Where(s => s.Name != "scale").ToList()
            : [ScenarioCatalog.Find(scenario) ?? throw new UsageException($"unknown scenario '{scenario}'")];
        var policies = policy is null || string.Equals(policy, "all", StringComparison.OrdinalIgnoreCase)
            ? PolicyVariant.All.ToList()
            : policy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(p => PolicyVariant.Find(p) ?? throw new UsageException($"unknown policy '{p}'")).ToList();
        if (policies.Count == 0) throw new UsageException("--policy names no policy");
        int? n = nodes is null ? null : ParseInt(nodes, "--nodes", 50, 50_000_000);
        ulong s = seed is null ? 1 : ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)
            ? v : throw new UsageException($"--seed must be an unsigned integer, was '{seed}'");
        double? m = minutes is null ? null
            : double.TryParse(minutes, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0 && d <= 100_000
                ? d : throw new UsageException($"--minutes must be a positive number, was '{minutes}'");
        var scaleRows = ReadScaleSummary(scaleSummary);
        int threads = parallel is null ? 1 : ParseInt(parallel, "--parallel", 1, 64);
        double? capacity = fleetCapacity is null ? null
            : double.TryParse(fleetCapacity, NumberStyles.Float, CultureInfo.InvariantCulture, out double c) && c > 0 && c <= 1_000
                ? c : throw new UsageException($"--fleet-capacity must be a positive number of connections per node, was '{fleetCapacity}'");
        if (capacity is not null && scenarios.Any(sc => sc.FleetSize == 0)) throw new UsageException("--fleet-capacity needs a scenario with a fleet (fleet, fleet-backbone)");
        return new CliOptions(scenarios, policies, n, s, output, m, progress, validate, plots, scaleRows, threads, capacity);
    }

    // The rows of every file the comma-separated list names (null without --scale-summary).
    private static List<RunSummary>? ReadScaleSummary(string? list)
    {
        if (list is null) return null;
        var files = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (files.Length == 0) throw new UsageException("--scale-summary names no file");
        var rows = new List<RunSummary>();
        foreach (string file in files)
        {
            if (!File.Exists(file)) throw new UsageException($"--scale-summary: no file '{file}'");
            rows.AddRange(ReadSummary(file, "--scale-summary"));
        }
        return rows;
    }

    // Read before anything runs: a malformed file must not end a long run at its report.
    private static IReadOnlyList<RunSummary> ReadSummary(string file, string option)
    {
        try
        {
            return SummaryFile.Read(file);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }

    /// <summary>
    /// Creates the output directory and checks that a file can be written in it, before anything runs; throws
    /// <see cref="UsageException"/> naming the directory and the reason.
    /// </summary>
    public static void CheckOutDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"--out: cannot write to '{directory}': {e.Message}");
        }
    }

    // Below every peak measured per node (basic at 1,000,000 nodes for two minutes: 8.0 GiB, 8.6 KB a node; the scale
    // scenario's hour at 1M: 11.6 KB): a run that needs more than this cannot fit, one that needs less may still not.
    internal const long LeastBytesPerNode = 8_000;

    /// <summary>
    /// Refuses (<see cref="UsageException"/>) a command line whose largest network, times the runs it makes at once, needs
    /// more than <paramref name="availableBytes"/> by <see cref="LeastBytesPerNode"/>: such a run would be killed when its
    /// memory ran out, minutes in, instead of refused at once.
    /// </summary>
    public void CheckMemory(long availableBytes)
    {
        if (ReportRows is not null) return;
        int largest = Scenarios.Max(sc => Apply(sc).Nodes);
        int atOnce = Math.Min(Parallel, Scenarios.Count * Policies.Count);
        long needed = LeastBytesPerNode * largest * atOnce;
        if (needed <= availableBytes) return;
        const double GiB = 1L << 30;
        string atOnceText = atOnce > 1 ? $", {atOnce} runs at once (--parallel)," : "";
        throw new UsageException(string.Create(CultureInfo.InvariantCulture,
            $"--nodes: {largest:N0} nodes{atOnceText} need at least {needed / GiB:F1} GiB ({LeastBytesPerNode / 1000} KB a node, less than any " +
            $"run measured), more than the {availableBytes / GiB:F1} GiB this process may use (physical memory or DOTNET_GCHeapHardLimit)"));
    }

    /// <summary>A scenario with the command line's overrides applied.</summary>
    public ScenarioSettings Apply(ScenarioSettings scenario) => scenario with
    {
        Nodes = Nodes ?? scenario.Nodes,
        DurationMs = Minutes is { } m ? (long)(m * 60_000) : scenario.DurationMs,
        FleetHardCapPerNode = FleetCapacity ?? scenario.FleetHardCapPerNode,
    };

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"{args[i]} needs a value");
        return args[++i];
    }

    private static int ParseInt(string text, string name, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v : throw new UsageException($"{name} must be an integer in [{min}, {max}], was '{text}'");
}

/// <summary>A command-line mistake: the message is printed above the usage.</summary>
internal sealed class UsageException(string message) : Exception(message);
