namespace ConnActors.Sim.Metrics;

/// <summary>One sampled point of the time series: state at that time plus counters since the start.</summary>
internal sealed record SampleRow(
    long TimeMs,
    int OnlineNodes,
    long Connections,
    double MeanConnectionsPerNode,
    double MeanLoadOfHighWater,
    double P99LoadOfHighWater,
    double MaxLoadOfHighWater,
    double ShareOverHighWater,
    double ShareAtHardCap,
    double MeanRouterOccupancy,
    double P99RouterOccupancy,
    double ShareRoutersOver90,
    long RouterOverflows,
    long Opens,
    long Closes,
    long Trims,
    long PolitenessViolations,
    long Starvations,
    double FriendUptime,
    long PolicyCloses,
    long UsefulPeerTrims,
    long MeshLinksTrimmed,
    long RoutingTableTrims,
    long RedialsByTrimmedPeers,
    long UsefulMessages,
    double FleetConnectionsPerPeer = double.NaN,
    double FleetDistinctPeers = double.NaN,
    double FleetCapacityUsed = double.NaN,
    long FleetPeersLost = 0)
{
    public static string Header =>
        "time_s,online_nodes,connections,mean_conns_per_node,mean_load_of_high_water,p99_load_of_high_water,max_load_of_high_water," +
        "share_over_high_water,share_at_hard_cap,mean_router_occupancy,p99_router_occupancy,share_routers_over_90pct," +
        "router_overflows,opens,closes,trims,politeness_violations,starvations,friend_uptime," +
        "policy_closes,useful_peer_trims,mesh_links_trimmed,routing_table_trims,redials_by_trimmed_peers,useful_messages," +
        "fleet_conns_per_peer,fleet_distinct_peers,fleet_capacity_used,fleet_peers_lost";

    public string ToCsv() => string.Join(',',
        Csv.Num(TimeMs / 1000.0), OnlineNodes, Connections, Csv.Num(MeanConnectionsPerNode), Csv.Num(MeanLoadOfHighWater),
        Csv.Num(P99LoadOfHighWater), Csv.Num(MaxLoadOfHighWater), Csv.Num(ShareOverHighWater), Csv.Num(ShareAtHardCap), Csv.Num(MeanRouterOccupancy),
        Csv.Num(P99RouterOccupancy), Csv.Num(ShareRoutersOver90), RouterOverflows, Opens, Closes, Trims,
        PolitenessViolations, Starvations, Csv.Num(FriendUptime),
        PolicyCloses, UsefulPeerTrims, MeshLinksTrimmed, RoutingTableTrims, RedialsByTrimmedPeers, UsefulMessages,
        Csv.Num(FleetConnectionsPerPeer), Csv.Num(FleetDistinctPeers), Csv.Num(FleetCapacityUsed), FleetPeersLost);
}

/// <summary>Invariant-culture number formatting for CSV files.</summary>
internal static class Csv
{
    public static string Num(double value) =>
        double.IsNaN(value) ? "" : value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
