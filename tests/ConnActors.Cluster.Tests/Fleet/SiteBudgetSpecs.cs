using System.Diagnostics;
using Akka.Cluster;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests.Fleet;

/// <summary>Members behind one router share its budget: never above it while members join, leave and crash.</summary>
public sealed class SiteBudgetSpecs(ITestOutputHelper output)
{
    private const int Budget = 120;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const string Site = "connactors.cluster { site = home, site-budget = 120, floor = 16, load-interval = 300ms }";

    [Fact]
    public async Task The_sum_of_the_members_hard_caps_never_exceeds_the_site_budget_through_join_leave_and_crash()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Hocon = Site,
            Log = output.WriteLine,
        });
        var harness = fleet.Harness;

        var started = Stopwatch.StartNew();
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2"], "three members share the whole budget");
        output.WriteLine(Measured.Line("all Up to the budget split between three", started.Elapsed));

        // A member joins: it starts with no share and gets at least its floor, taken from the others first.
        started.Restart();
        await fleet.AddAsync(NodeSpec.Cluster(3));
        await harness.BarrierAsync("the newcomer has its share", async _ => (await fleet.StatusAsync("cluster-3")).Counts.HardCap >= 16, Bound);
        output.WriteLine(Measured.Line("join to the newcomer's share", started.Elapsed));
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2", "cluster-3"], "four members share the whole budget");

        // A graceful leave gives its share back.
        await fleet.LeaveAsync("cluster-3");
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2"], "the leaver's share is back with the others");

        // A crash: once the resolver downs it, the survivors take its share.
        started.Restart();
        await fleet.KillAsync("cluster-2");
        await SharedAsync(fleet, ["gateway-1", "cluster-1"], "the survivors took the crashed member's share");
        output.WriteLine(Measured.Line($"crash to the survivors holding the whole budget (resolver downing time {harness.DowningTime.TotalSeconds:0.0} s)", started.Elapsed));

        fleet.AssertCapsNeverAbove(Budget, output.WriteLine);
    }

    [Fact]
    public async Task A_budget_below_the_members_floors_gives_no_share_to_the_members_that_do_not_fit_and_nobody_crashes()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Hocon = "connactors.cluster { site = tiny, site-budget = 40, floor = 16, load-interval = 300ms }",
            Log = output.WriteLine,
        });

        var caps = await fleet.Harness.BarrierAsync("two members fit their floor, one gets nothing",
            async node => (await fleet.StatusAsync(node.Name)).Counts.HardCap,
            _ => true, Bound);
        await fleet.Harness.BarrierAsync("the split settled", async _ => (await fleet.CapsAsync()).Values.Count(c => c == 0) == 1, Bound);

        var settled = await fleet.CapsAsync();
        Assert.Equal(40, settled.Values.Sum());
        Assert.Equal(1, settled.Values.Count(c => c == 0));
        Assert.All(fleet.Harness.LiveNodes, n => Assert.True(n.IsAlive));
        fleet.AssertCapsNeverAbove(40);
        _ = caps;
    }

    [Fact]
    public async Task Of_two_members_the_one_the_resolver_keeps_holds_its_share_through_the_others_crash_and_then_takes_the_whole_budget()
    {
        // Of two members, one alone is a quorum when it holds the tie-breaker (the lowest address: the member the
        // keep-majority resolver keeps), so the survivor renews its own lease and never falls to its floor
        // (docs/cluster.md, "When a member dies").
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndClusterNode,
            Hocon = Site,
            Log = output.WriteLine,
        });
        await SharedAsync(fleet, ["gateway-1", "cluster-1"], "two members share the whole budget");
        // Keep-majority keeps, of two equal halves, the one with the lowest address: that member is the survivor.
        var (kept, killed) = Member.AddressOrdering.Compare(fleet.Harness["gateway-1"].Address, fleet.Harness["cluster-1"].Address) < 0
            ? ("gateway-1", "cluster-1") : ("cluster-1", "gateway-1");
        var before = fleet.CapHistoryOf(kept);
        int shareBefore = before[^1];

        await fleet.KillAsync(killed);
        await SharedAsync(fleet, [kept], "the survivor holds the whole budget");

        var after = fleet.CapHistoryOf(kept).Skip(before.Count).ToList();
        output.WriteLine($"{kept}: share {shareBefore} before the kill, then {string.Join(", ", after)}");
        Assert.All(after, cap => Assert.True(cap >= shareBefore, $"the survivor fell from {shareBefore} to {cap} while the other was unreachable"));
        fleet.AssertCapsNeverAbove(Budget);
    }

    [Fact]
    public async Task A_join_is_carried_out_without_a_second_round_towards_the_same_split()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Hocon = Site + "\nakka.loglevel = INFO", // the allocator logs its rounds at info
            Log = output.WriteLine,
        });
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2"], "three members share the whole budget");
        var logs = fleet.Harness.LiveNodes.Select(n => LogCapture.On(n.System, withInfo: true)).ToList();

        await fleet.AddAsync(NodeSpec.Cluster(3));
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2", "cluster-3"], "four members share the whole budget");
        await Task.Delay(TimeSpan.FromSeconds(3)); // ten load intervals: time for a round repeated from a lagging report

        // The allocator logs each round as "site home: round N towards <address> <cap>, ...". Members idle, demand
        // steady: a round whose targets equal the one before moved nobody, it only cost messages.
        var rounds = logs.SelectMany(l => l.Lines).Where(l => l.Contains("site home: round ", StringComparison.Ordinal))
            .Select(l => (Version: long.Parse(l.Split("round ")[1].Split(' ')[0]), Targets: l.Split(" towards ")[1]))
            .DistinctBy(r => r.Version).OrderBy(r => r.Version).ToList();
        output.WriteLine(string.Join(Environment.NewLine, rounds.Select(r => $"round {r.Version}: {r.Targets}")));
        Assert.NotEmpty(rounds);
        for (int i = 1; i < rounds.Count; i++)
            Assert.False(rounds[i].Targets == rounds[i - 1].Targets, $"round {rounds[i].Version} repeated round {rounds[i - 1].Version}'s split: {rounds[i].Targets}");
    }

    private static async Task SharedAsync(FleetNodes fleet, IReadOnlyList<string> members, string what) =>
        await fleet.Harness.BarrierAsync(what, async _ =>
        {
            var caps = await fleet.CapsAsync();
            return members.All(m => caps.TryGetValue(m, out int cap) && cap > 0) && members.Sum(m => caps[m]) == Budget;
        }, Bound);
}
