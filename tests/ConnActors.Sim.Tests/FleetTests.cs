using ConnActors.Sim.Metrics;

namespace ConnActors.Sim.Tests;

/// <summary>fleet: gateway members behind one load balancer, with and without the fleet's deduplication and handoff.</summary>
public class FleetTests
{
    private static Scenarios.ScenarioSettings Settings => SimTestRuns.Small("fleet", nodes: 1_000, minutes: 15);

    private static FleetSummary FleetOf(RunSummary run) => run.Fleet ?? throw new InvalidOperationException($"{run.Policy} has no fleet figures");

    [Fact]
    public void Deduplication_brings_connections_per_distinct_client_closer_to_one()
    {
        var (plainSim, plain) = SimTestRuns.Run(Settings, "v2-fleet");
        var (dedupSim, dedup) = SimTestRuns.Run(Settings, "v2-fleet-dedup");
        Assert.Empty(plainSim.FindInconsistencies());
        Assert.Empty(dedupSim.FindInconsistencies());
        Assert.Equal(0, FleetOf(plain).DuplicatesSteered);
        Assert.True(FleetOf(dedup).DuplicatesSteered > 100, $"steered {FleetOf(dedup).DuplicatesSteered}");
        Assert.True(FleetOf(plain).ConnectionsPerPeer > 1.2, $"without dedup {FleetOf(plain).ConnectionsPerPeer}: the scenario makes no duplicates");
        Assert.True(FleetOf(dedup).ConnectionsPerPeer < FleetOf(plain).ConnectionsPerPeer - 0.05,
            $"with dedup {FleetOf(dedup).ConnectionsPerPeer}, without {FleetOf(plain).ConnectionsPerPeer}");
        Assert.True(FleetOf(dedup).DistinctPeers > FleetOf(plain).DistinctPeers, "the same capacity reaches more clients");
    }

    [Fact]
    public void Handoff_with_deduplication_loses_fewer_clients_than_deduplication_alone()
    {
        var (sim, full) = SimTestRuns.Run(Settings, "v2-fleet-full");
        var (_, dedupOnly) = SimTestRuns.Run(Settings, "v2-fleet-dedup");
        Assert.Empty(sim.FindInconsistencies());
        var with = FleetOf(full);
        var without = FleetOf(dedupOnly);
        Assert.Equal(0, without.HandoffsOffered);
        Assert.True(without.Trims > 500 && with.Trims > 500, $"trims {without.Trims} / {with.Trims}: members must run at high water");
        Assert.True(with.HandoffsCompleted > 100, $"completed {with.HandoffsCompleted}");
        Assert.InRange(with.HandoffsCompleted, 0, with.HandoffsAccepted);
        Assert.InRange(with.HandoffsAccepted, 0, with.HandoffsOffered);
        Assert.InRange(with.HandoffsOffered, 0, with.Trims);
        // Only a client no member holds in the trimmer's view is offered: what is left is the view's staleness.
        Assert.True(with.HandoffsOfHeldPeers < with.HandoffsOffered / 20, $"{with.HandoffsOfHeldPeers} of {with.HandoffsOffered} offers were of a client another member held");
        Assert.True(with.PeersLost < without.PeersLost, $"clients lost with handoff {with.PeersLost}, with deduplication alone {without.PeersLost}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_fleet_run()
    {
        var settings = SimTestRuns.Small("fleet", nodes: 500, minutes: 8);
        var (first, a) = SimTestRuns.Run(settings, "v2-fleet-full");
        var (second, b) = SimTestRuns.Run(settings, "v2-fleet-full");
        Assert.Equal(first.Metrics.Samples.Select(s => s.ToCsv()), second.Metrics.Samples.Select(s => s.ToCsv()));
        Assert.Equal(a.WithoutMachineFigures(), b.WithoutMachineFigures());
        Assert.True(a.Fleet!.HandoffsOffered > 0 && a.Fleet.DuplicatesSteered > 0);
    }

    [Fact]
    public void Without_handoff_or_dedup_a_fleet_member_is_plain_v2()
    {
        var (_, v2) = SimTestRuns.Run(Settings, "v2");
        var (_, fleet) = SimTestRuns.Run(Settings, "v2-fleet");
        Assert.Equal(v2.WithoutMachineFigures(), fleet.WithoutMachineFigures() with { Policy = "v2" });
    }

    [Fact]
    public void Connections_per_distinct_client_counts_member_to_client_links_once_per_client()
    {
        var settings = Settings;
        var (sim, _) = SimTestRuns.Run(settings, "v2-fleet");
        var nodes = sim.Context.Nodes;
        var members = Enumerable.Range(0, nodes.Count).Where(n => nodes.IsFleet[n]).ToList();
        Assert.Equal(settings.FleetSize, members.Count);
        Assert.All(members.Where(m => sim.Engines.ExistingV2(m) is not null),
            m => Assert.Equal(settings.FleetMemberHardCap, sim.Engines.ExistingV2(m)!.Settings.Limits.HardCap));
        var links = members.Where(m => nodes.Online[m])
            .SelectMany(m => sim.Context.Links.Neighbours(m).ToArray().Where(p => !nodes.IsFleet[p])).ToList();
        var last = sim.Metrics.Samples[^1];
        Assert.Equal(links.Distinct().Count(), last.FleetDistinctPeers);
        Assert.Equal(links.Count / (double)links.Distinct().Count(), last.FleetConnectionsPerPeer, 9);
    }

    [Fact]
    public void The_fleet_report_compares_the_fleet_variants_with_members_on_their_own()
    {
        string dir = Path.Combine(Path.GetTempPath(), "connactors-sim-" + Guid.NewGuid().ToString("N"));
        try
        {
            int code = SimProgram.Run(["--scenario", "fleet", "--nodes", "300", "--minutes", "5", "--policy", "v2-fleet,v2-fleet-full",
                "--no-plots", "--quiet", "--out", dir], new StringWriter(), new StringWriter());
            Assert.Equal(0, code);
            string report = File.ReadAllText(Path.Combine(dir, "report.md"));
            Assert.Contains("| fleet: connections per distinct client |", report);
            Assert.Contains("against v2-fleet", report);
            Assert.Contains("**v2-fleet-full**", report);
            Assert.DoesNotContain("## What v2 buys you", report); // no basic and v2 here: no empty table
            Assert.Contains("handoffs_completed", File.ReadLines(Path.Combine(dir, "summary.csv")).First());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Fleet_capacity_sets_the_members_hard_caps_per_node_of_the_network()
    {
        var options = Cli.CliOptions.Parse(["--scenario", "fleet", "--nodes", "4000", "--fleet-capacity", "1.0", "--out", "x"]);
        var settings = options.Apply(options.Scenarios[0]);
        Assert.Equal(500, settings.FleetMemberHardCap);
        Assert.Equal(350, (Scenarios.ScenarioCatalog.Find("fleet")! with { Nodes = 4_000 }).FleetMemberHardCap);
    }

    [Fact]
    public void The_fleet_columns_of_summary_csv_read_back_and_older_rows_without_them_still_read()
    {
        var (_, run) = SimTestRuns.Run(SimTestRuns.Small("fleet", nodes: 400, minutes: 5), "v2-fleet-full");
        Assert.NotNull(run.Fleet);
        string csv = run.WithoutMachineFigures().ToCsv();
        var read = RunSummary.FromCsv(csv);
        Assert.Equal(csv, read.ToCsv()); // the CSV rounds to 4 decimals: compare as written
        Assert.Equal(run.Fleet!.HandoffsCompleted, read.Fleet!.HandoffsCompleted);
        string older = string.Join(',', csv.Split(',')[..^FleetSummary.Fields]);
        var readOlder = RunSummary.FromCsv(older);
        Assert.Null(readOlder.Fleet);
        Assert.Equal(read with { Fleet = null }, readOlder);
        Assert.Throws<FormatException>(() => RunSummary.FromCsv(older + ",1"));
    }

    [Fact]
    public void A_row_without_a_fleet_written_before_the_last_fleet_column_existed_still_reads()
    {
        var (_, run) = SimTestRuns.Run(SimTestRuns.Small("scale", nodes: 200, minutes: 2), "v2");
        string csv = run.WithoutMachineFigures().ToCsv();
        Assert.EndsWith(new string(',', FleetSummary.Fields), csv);
        var read = RunSummary.FromCsv(csv[..^1]);
        Assert.Null(read.Fleet);
        Assert.Equal(run.WithoutMachineFigures().ToCsv(), read.ToCsv());
    }
}
