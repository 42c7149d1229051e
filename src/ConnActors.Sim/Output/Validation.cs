using System.Globalization;
using System.Text;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Output;

/// <summary>
/// Checks the model against measurements not made here: DHT hop counts at about 15,000 servers
/// (ProbeLab RFM17: median 4, p90 at most 6) and the session lengths the churn model produces
/// against its input distribution (SIGCOMM 2022).
/// </summary>
internal static class Validation
{
    public static readonly long[] SessionCheckpointsMinutes = [5, 10, 24, 60, 120, 480, 1_440];

    public sealed record Result(
        int OnlineServers, double HopsP50, double HopsP90, double LookupMsP50, double LookupSuccess,
        IReadOnlyList<(double Minutes, double Input, double Simulated)> Sessions, int SessionsObserved, int SessionsEnded,
        IReadOnlyList<(double Hops, double Share)> HopShares);

    public static Result Run(ulong seed, Func<string, Action<double>?> progress)
    {
        var hopsScenario = ScenarioCatalog.HopValidation;
        var hopsSim = new Simulation(hopsScenario, PolicyVariant.Find("v2")!, seed);
        var hops = hopsSim.Run(progress("validate-hops"));
        int onlineServers = hopsSim.OnlineServers();

        var churnScenario = ScenarioCatalog.ChurnValidation;
        var churnSim = new Simulation(churnScenario, PolicyVariant.Find("none")!, seed);
        churnSim.Run(progress("validate-churn"));
        var input = new SessionDistribution(churnScenario.ChurnScale);
        var km = churnSim.Metrics.Sessions;
        var sessions = SessionCheckpointsMinutes
            .Select(m => ((double)m, input.Cdf(m * 60_000.0), km.Cdf(m * 60_000)))
            .ToList();
        var hopShares = Enumerable.Range(0, 16).Select(h => ((double)h, hopsSim.Metrics.LookupHops.BinShare(h))).ToList();
        return new Result(onlineServers, hops.HopsP50, hops.HopsP90, hops.LookupMsP50, hops.LookupSuccess, sessions, km.Count, km.Ended, hopShares);
    }

    public static string Markdown(Result r, bool plots)
    {
        var md = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        md.AppendLine("## Validation against measurements not made here");
        md.AppendLine();
        md.AppendLine($"**DHT hop count.** {ScenarioCatalog.HopValidation.Description} Online DHT servers at the end: {r.OnlineServers:N0}.");
        md.AppendLine();
        md.AppendLine("| | simulated | measured (ProbeLab RFM17, ~15k servers) | within target |");
        md.AppendLine("|---|---:|---:|---|");
        md.AppendLine(string.Create(ci, $"| hops p50 | {r.HopsP50:0} | 4 | {(Math.Abs(r.HopsP50 - 4) <= 1 ? "yes" : "no")} (target: within 1) |"));
        md.AppendLine(string.Create(ci, $"| hops p90 | {r.HopsP90:0} | <= 6 | {(r.HopsP90 <= 6 ? "yes" : "no")} |"));
        md.AppendLine(string.Create(ci, $"| single walk latency p50 | {r.LookupMsP50:0} ms | 620 ms (SIGCOMM 2022) | for information |"));
        md.AppendLine(string.Create(ci, $"| lookup reached the closest online server | {r.LookupSuccess:P1} | – | – |"));
        md.AppendLine();
        md.AppendLine("Hops count the sequential RPCs from the querier to the closest peer the lookup found (a peer from the querier's own routing table is 1 hop).");
        md.AppendLine();
        if (plots) md.AppendLine("![hop count distribution](validation-hops.png)").AppendLine();
        md.AppendLine($"**Session lengths.** {ScenarioCatalog.ChurnValidation.Description} {r.SessionsObserved:N0} sessions observed, {r.SessionsEnded:N0} ended; the CDF is the Kaplan-Meier estimate (sessions still running at the end are censored).");
        md.AppendLine();
        md.AppendLine("| session length | input CDF | simulated CDF | difference |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var (minutes, input, simulated) in r.Sessions)
            md.AppendLine(string.Create(ci, $"| {minutes:0} min | {input:0.000} | {simulated:0.000} | {Signed(simulated - input)} |"));
        md.AppendLine();
        if (plots) md.AppendLine("![session length CDF](validation-sessions.png)").AppendLine();
        return md.ToString();
    }

    private static string Signed(double value)
    {
        double rounded = Math.Round(value, 3);
        return (rounded > 0 ? "+" : rounded < 0 ? "-" : "±") + Math.Abs(rounded).ToString("0.000", CultureInfo.InvariantCulture);
    }

    public static void WriteFiles(string outDir, Result r, bool plots)
    {
        using (var w = new StreamWriter(Path.Combine(outDir, "validation.csv")))
        {
            w.WriteLine("check,x,input_or_measured,simulated");
            w.WriteLine($"hops_p50,,4,{Csv.Num(r.HopsP50)}");
            w.WriteLine($"hops_p90,,6,{Csv.Num(r.HopsP90)}");
            w.WriteLine($"online_servers,,15000,{r.OnlineServers}");
            foreach (var (m, i, s) in r.Sessions) w.WriteLine($"session_cdf,{Csv.Num(m)},{Csv.Num(i)},{Csv.Num(s)}");
            foreach (var (h, share) in r.HopShares) w.WriteLine($"hop_share,{Csv.Num(h)},,{Csv.Num(share)}");
        }
        if (!plots) return;
        Plots.Cdf(Path.Combine(outDir, "validation-sessions.png"), "Session lengths: input vs simulated",
            r.Sessions.Select(s => (s.Minutes, s.Input, s.Simulated)).ToList());
        Plots.Bars(Path.Combine(outDir, "validation-hops.png"), $"DHT lookup hops at {r.OnlineServers:N0} online servers", "hops", r.HopShares);
    }
}
