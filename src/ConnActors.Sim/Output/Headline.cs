using ConnActors.Sim.Metrics;

namespace ConnActors.Sim.Output;

/// <summary>A summary metric shown in the report, and which direction is better.</summary>
internal sealed record Headline(string Label, Func<RunSummary, double> Value, bool HigherIsBetter, string Format)
{
    public static IReadOnlyList<Headline> All { get; } =
    [
        new("p99 load of high water (max)", r => r.MaxP99LoadOfHighWater, false, "0.00"),
        new("busiest node's load of high water", r => r.MaxLoadOfHighWater, false, "0.00"),
        new("share at hard cap (max)", r => r.MaxShareAtHardCap, false, "0.0000"),
        new("p99 router occupancy (max)", r => r.MaxP99RouterOccupancy, false, "0.00"),
        new("router overflows", r => r.RouterOverflows, false, "0"),
        new("home routers that overflowed", r => r.RoutersOverflowedShare, false, "0.000"),
        new("lookup success", r => r.LookupSuccess, true, "0.000"),
        new("lookup hops p50/p90", r => r.HopsP50, false, "0"),
        new("DHT queries per lookup", r => r.PerLookup?.Queries ?? double.NaN, false, "0.0"),
        new("connections opened per lookup", r => r.PerLookup?.Opened ?? double.NaN, false, "0.0"),
        new("lookup ms p50", r => r.LookupMsP50, false, "0"),
        new("lookup ms p90", r => r.LookupMsP90, false, "0"),
        new("lookup ms p99", r => r.LookupMsP99, false, "0"),
        new("pubsub delivery ratio", r => r.DeliveryRatio, true, "0.000"),
        new("pubsub ms p50", r => r.DeliveryMsP50, false, "0"),
        new("pubsub ms p99", r => r.DeliveryMsP99, false, "0"),
        new("opens+closes /node/min", r => r.ChurnPerNodeMinute, false, "0.00"),
        new("trims", r => r.Trims, false, "0"),
        new("policy closes (trims + reclaims)", r => r.PolicyCloses, false, "0"),
        new("released with their burst", r => r.BurstReleases, false, "0"),
        new("useful-peer trims", r => r.UsefulPeerTrims, false, "0"),
        new("useful peers released with their burst", r => r.UsefulPeerReleases, false, "0"),
        new("useful-peer closes (trims + releases)", r => r.UsefulPeerTrims + r.UsefulPeerReleases, false, "0"),
        new("trims of peers we were useful to", r => r.TrimsOfUsefulToPeer, false, "0"),
        new("mesh links trimmed /node/h", r => r.MeshLinksTrimmedPerNodeHour, false, "0.000"),
        new("routing-table trims /node/h", r => r.RoutingTableTrimsPerNodeHour, false, "0.00"),
        new("redials by trimmed peers within 60 s", r => r.RedialsByTrimmedPeers, false, "0"),
        new("redials of trimmed peers within 60 s", r => r.RedialsByTrimmingNodes, false, "0"),
        new("redials in bye window", r => r.PolitenessViolations, false, "0"),
        new("opens per useful message", r => r.OpensPerUsefulMessage, false, "0.000"),
        new("DHT starvation", r => r.DhtStarvations, false, "0"),
        new("pubsub starvation", r => r.PubsubStarvations, false, "0"),
        new("friend uptime", r => r.FriendUptime, true, "0.0000"),
        new("crowd dials admitted", r => r.CrowdAdmittedShare, true, "0.000"),
        new("policy work /node/min", r => r.WorkPerNodeMinute, false, "0.0"),
        new("fleet: connections per distinct client", r => Fleet(r, f => f.ConnectionsPerPeer), false, "0.000"),
        new("fleet: distinct clients connected", r => Fleet(r, f => f.DistinctPeers), true, "0"),
        new("fleet: capacity used (connections / high water)", r => Fleet(r, f => f.CapacityUsed), true, "0.000"),
        new("fleet: gateway visits served", r => Fleet(r, f => f.VisitsServedShare), true, "0.000"),
        new("fleet: trims of clients", r => Fleet(r, f => f.Trims), false, "0"),
        new("fleet: clients lost at trims", r => Fleet(r, f => f.PeersLost), false, "0"),
        new("fleet: share of trims that lost the client", r => Fleet(r, f => f.LostShare), false, "0.000"),
        new("fleet: trimmed clients kept by a duplicate", r => Fleet(r, f => f.PeersKeptByDuplicate), true, "0"),
        new("fleet: handoffs offered", r => Fleet(r, f => f.HandoffsOffered), true, "0"),
        new("fleet: handoffs accepted", r => Fleet(r, f => f.HandoffsAccepted), true, "0"),
        new("fleet: handoffs completed", r => Fleet(r, f => f.HandoffsCompleted), true, "0"),
        new("fleet: duplicates steered", r => Fleet(r, f => f.DuplicatesSteered), true, "0"),
        new("fleet: handoffs of clients another member held", r => Fleet(r, f => f.HandoffsOfHeldPeers), false, "0"),
        new("fleet: handed-off clients trimmed again within 1 min", r => Fleet(r, f => f.HandoffsRetrimmed), false, "0"),
    ];

    private static double Fleet(RunSummary run, Func<FleetSummary, double> value) => run.Fleet is { } fleet ? value(fleet) : double.NaN;

    public string Show(RunSummary run)
    {
        double v = Value(run);
        if (double.IsNaN(v)) return "–";
        if (Label == "lookup hops p50/p90") return $"{run.HopsP50:0}/{run.HopsP90:0}";
        return v.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);
    }
}
