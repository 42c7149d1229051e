namespace ConnActors.Sim.Metrics;

/// <summary>The headline figures of one run (one row of summary.csv).</summary>
internal sealed record RunSummary(
    string Scenario, string Policy, int Nodes, ulong Seed, double SimulatedMinutes, double WallSeconds, long Events, long PeakWorkingSetBytes,
    double MeanLoadOfHighWater, double MaxP99LoadOfHighWater, double MaxLoadOfHighWater, double MaxShareAtHardCap,
    double MaxP99RouterOccupancy, long RouterOverflows,
    double LookupSuccess, double HopsP50, double HopsP90, double HopsP99, double LookupMsP50, double LookupMsP90, double LookupMsP99,
    double DeliveryRatio, double DeliveryMsP50, double DeliveryMsP99,
    double ChurnPerNodeMinute, long Trims, long PolitenessViolations, long DhtStarvations, long PubsubStarvations,
    double FriendUptime, double CrowdAdmittedShare, double WorkPerNodeMinute, long Lookups, long Messages,
    long PolicyCloses, long UsefulPeerTrims, long TrimsOfUsefulToPeer, double MeshLinksTrimmedPerNodeHour,
    double RoutingTableTrimsPerNodeHour, long RedialsByTrimmedPeers, long RedialsByTrimmingNodes, double OpensPerUsefulMessage, double RoutersOverflowedShare, long BurstReleases,
    long UsefulPeerReleases, long RedialsAfterOwnTrim, long DialsHeldAfterOwnTrim, long SiteEntryRefusals)
{
    /// <summary>The fleet's figures, for a scenario with a fleet.</summary>
    public FleetSummary? Fleet { get; init; }

    /// <summary>Mean queries and connections opened per measured DHT lookup (not in summary.csv; null for rows read from it).</summary>
    public (double Queries, double Opened)? PerLookup { get; init; }

    public static string Header =>
        "scenario,policy,nodes,seed,simulated_min,wall_s,events,peak_working_set_mb,mean_load_of_high_water,max_p99_load_of_high_water,max_load_of_high_water," +
        "max_share_at_hard_cap,max_p99_router_occupancy,router_overflows,lookup_success,hops_p50,hops_p90,hops_p99," +
        "lookup_ms_p50,lookup_ms_p90,lookup_ms_p99,delivery_ratio,delivery_ms_p50,delivery_ms_p99,churn_per_node_min," +
        "trims,politeness_violations,dht_starvations,pubsub_starvations,friend_uptime,crowd_admitted_share,work_per_node_min,lookups,messages," +
        "policy_closes,useful_peer_trims,trims_of_useful_to_peer,mesh_links_trimmed_per_node_hour,routing_table_trims_per_node_hour," +
        "redials_by_trimmed_peers,redials_by_trimming_nodes,opens_per_useful_message,routers_overflowed_share,burst_releases,useful_peer_releases,redials_after_own_trim,dials_held_after_own_trim,site_entry_refusals," + FleetSummary.Header;

    public string ToCsv() => string.Join(',',
        Scenario, Policy, Nodes, Seed, Csv.Num(SimulatedMinutes), Csv.Num(WallSeconds), Events, Csv.Num(PeakWorkingSetBytes / 1048576.0),
        Csv.Num(MeanLoadOfHighWater), Csv.Num(MaxP99LoadOfHighWater), Csv.Num(MaxLoadOfHighWater), Csv.Num(MaxShareAtHardCap), Csv.Num(MaxP99RouterOccupancy),
        RouterOverflows, Csv.Num(LookupSuccess), Csv.Num(HopsP50), Csv.Num(HopsP90), Csv.Num(HopsP99), Csv.Num(LookupMsP50),
        Csv.Num(LookupMsP90), Csv.Num(LookupMsP99), Csv.Num(DeliveryRatio), Csv.Num(DeliveryMsP50), Csv.Num(DeliveryMsP99),
        Csv.Num(ChurnPerNodeMinute), Trims, PolitenessViolations, DhtStarvations, PubsubStarvations, Csv.Num(FriendUptime),
        Csv.Num(CrowdAdmittedShare), Csv.Num(WorkPerNodeMinute), Lookups, Messages,
        PolicyCloses, UsefulPeerTrims, TrimsOfUsefulToPeer, Csv.Num(MeshLinksTrimmedPerNodeHour),
        Csv.Num(RoutingTableTrimsPerNodeHour), RedialsByTrimmedPeers, RedialsByTrimmingNodes, Csv.Num(OpensPerUsefulMessage), Csv.Num(RoutersOverflowedShare), BurstReleases,
        UsefulPeerReleases, RedialsAfterOwnTrim, DialsHeldAfterOwnTrim, SiteEntryRefusals, FleetSummary.ToCsv(Fleet));

    /// <summary>Reads a row written by <see cref="ToCsv"/> (for a report that includes runs made apart, such as the 1M-node ones).</summary>
    public static RunSummary FromCsv(string line)
    {
        var fields = line.Split(',');
        var parameters = typeof(RunSummary).GetConstructors().Single(c => c.GetParameters().Length > 1).GetParameters();
        // Rows written before the fleet columns existed end after the constructor's fields; rows of runs
        // without a fleet written before the last fleet columns existed have fewer (empty) fleet fields.
        if (fields.Length < parameters.Length || fields.Length > parameters.Length + FleetSummary.Fields)
            throw new FormatException($"a summary row has {parameters.Length} to {parameters.Length + FleetSummary.Fields} fields, this one {fields.Length}");
        var values = new object[parameters.Length];
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        for (int i = 0; i < parameters.Length; i++)
        {
            string f = fields[i];
            var type = parameters[i].ParameterType;
            values[i] = parameters[i].Name == nameof(PeakWorkingSetBytes) ? (object)(long)(double.Parse(f, invariant) * 1048576)
                : type == typeof(string) ? f
                : type == typeof(int) ? (object)int.Parse(f, invariant)
                : type == typeof(ulong) ? (object)ulong.Parse(f, invariant)
                : type == typeof(long) ? (object)long.Parse(f, invariant)
                : (object)(f.Length == 0 ? double.NaN : double.Parse(f, invariant));
        }
        var run = (RunSummary)Activator.CreateInstance(typeof(RunSummary), values)!;
        return fields.Length == parameters.Length ? run : run with { Fleet = FleetSummary.FromCsv(fields[parameters.Length..]) };
    }

    /// <summary>The summary row without wall time and memory, which vary between machines and runs.</summary>
    public RunSummary WithoutMachineFigures() => this with { WallSeconds = 0, PeakWorkingSetBytes = 0 };
}
