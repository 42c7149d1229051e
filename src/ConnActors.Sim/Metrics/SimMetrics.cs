namespace ConnActors.Sim.Metrics;

/// <summary>Counters and distributions gathered during one run.</summary>
internal sealed class SimMetrics
{
    public long Opens, Closes, ChurnCloses, Trims, ReclaimCloses;
    public long LocalRefusals, RemoteRefusals, DialsToOffline, RouterOverflows;
    public long PolitenessViolations, DialsSkippedForBye;
    public long DhtStarvations, PubsubStarvations;
    public long Lookups, LookupSuccesses;
    public long Messages, Deliveries, ExpectedDeliveries;
    public long FriendSamples, FriendConnectedSamples;
    public long CrowdDials, CrowdAdmitted;
    public long WorkUnitsOfRetiredEngines;
    public double OnlineNodeMinutes;

    public Histogram LookupHops { get; } = new(1, 64);
    public Histogram LookupLatencyMs { get; } = new(10, 12_000);
    public Histogram DeliveryLatencyMs { get; } = new(5, 4_000);
    public KaplanMeier Sessions { get; } = new();
    public List<SampleRow> Samples { get; } = new();

    public long Starvations => DhtStarvations + PubsubStarvations;

    public double FriendUptime => FriendSamples == 0 ? double.NaN : FriendConnectedSamples / (double)FriendSamples;
}
