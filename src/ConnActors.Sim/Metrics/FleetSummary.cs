using System.Globalization;

namespace ConnActors.Sim.Metrics;

/// <summary>
/// A run's fleet figures (scenarios with a fleet): connections per distinct client, distinct clients and the
/// members' capacity used (means over the run's second half), the share of gateway visits served, and counts of
/// the members' trims of clients, clients lost at them, clients a duplicate kept in the fleet, handoffs offered,
/// accepted and completed, inbound duplicates steered, handoffs of a client another member held, and handed-off
/// clients their target trimmed again within a minute.
/// </summary>
internal sealed record FleetSummary(
    double ConnectionsPerPeer, double DistinctPeers, double CapacityUsed, double VisitsServedShare,
    long Trims, long PeersLost, long PeersKeptByDuplicate, long HandoffsOffered, long HandoffsAccepted, long HandoffsCompleted,
    long DuplicatesSteered, long HandoffsOfHeldPeers, long HandoffsRetrimmed)
{
    public const string Header =
        "fleet_conns_per_peer,fleet_distinct_peers,fleet_capacity_used,fleet_visits_served,fleet_trims,fleet_peers_lost," +
        "fleet_peers_kept_by_duplicate,handoffs_offered,handoffs_accepted,handoffs_completed,duplicates_steered,handoffs_of_held_peers,handoffs_retrimmed";

    public const int Fields = 13;

    /// <summary>Share of the members' trims of clients that left the client with no connection to the fleet.</summary>
    public double LostShare => Trims == 0 ? double.NaN : PeersLost / (double)Trims;

    /// <summary>The CSV fields (all empty for a run without a fleet).</summary>
    public static string ToCsv(FleetSummary? fleet) => fleet is null
        ? new string(',', Fields - 1)
        : string.Join(',', Csv.Num(fleet.ConnectionsPerPeer), Csv.Num(fleet.DistinctPeers), Csv.Num(fleet.CapacityUsed), Csv.Num(fleet.VisitsServedShare),
            fleet.Trims, fleet.PeersLost, fleet.PeersKeptByDuplicate, fleet.HandoffsOffered, fleet.HandoffsAccepted, fleet.HandoffsCompleted,
            fleet.DuplicatesSteered, fleet.HandoffsOfHeldPeers, fleet.HandoffsRetrimmed);

    /// <summary>
    /// Reads the fields <see cref="ToCsv"/> wrote; null when they are empty (also when a row of a run without a
    /// fleet was written before the last fleet columns existed, so has fewer of them).
    /// </summary>
    public static FleetSummary? FromCsv(string[] fields)
    {
        if (fields.Length <= Fields && fields.All(f => f.Length == 0)) return null;
        if (fields.Length != Fields) throw new FormatException($"the fleet columns are {Fields} fields, these {fields.Length}");
        if (fields[0].Length == 0 && fields[4].Length == 0) return null;
        double D(int i) => fields[i].Length == 0 ? double.NaN : double.Parse(fields[i], CultureInfo.InvariantCulture);
        long L(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return new FleetSummary(D(0), D(1), D(2), D(3), L(4), L(5), L(6), L(7), L(8), L(9), L(10), L(11), L(12));
    }
}
