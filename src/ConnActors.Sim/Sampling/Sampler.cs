using System.Diagnostics;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Sampling;

/// <summary>
/// Takes the time series (connections against limits and router occupancy, once per sample period)
/// and, at the end, the run's summary.
/// </summary>
internal sealed class Sampler
{
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Fleet.FleetReach _fleet;
    private long _lastSampleMs;
    private int _lastOnline;

    public Sampler(SimContext ctx, NodeEngines engines)
    {
        _ctx = ctx;
        _engines = engines;
        _fleet = new Fleet.FleetReach(ctx, engines);
    }

    /// <summary>A <see cref="Events.EventKind.Sample"/> event.</summary>
    public void Sample()
    {
        var nodes = _ctx.Nodes;
        var routers = _ctx.Routers;
        var m = _ctx.Metrics;
        int online = 0;
        long connections = 0;
        double loadSum = 0, loadMax = 0;
        int overHigh = 0, atCap = 0;
        var load = new Histogram(0.01, 1_000);
        for (int node = 0; node < nodes.Count; node++)
        {
            if (!nodes.Online[node]) continue;
            online++;
            int degree = _ctx.Links.Degree(node);
            connections += degree;
            var limits = _engines.LimitsOf(node);
            double ratio = degree / (double)limits.HighWater;
            loadSum += ratio;
            loadMax = Math.Max(loadMax, ratio);
            load.Add(ratio);
            if (degree > limits.HighWater) overHigh++;
            if (degree >= limits.HardCap) atCap++;
        }
        var occupancy = new Histogram(0.005, 400);
        double occupancySum = 0;
        int over90 = 0;
        for (int r = 0; r < routers.Count; r++)
        {
            double ratio = routers.Used(r) / (double)routers.Capacity(r);
            occupancy.Add(ratio);
            occupancySum += ratio;
            if (ratio > 0.9) over90++;
        }
        m.OnlineNodeMinutes += _lastOnline * (_ctx.Now - _lastSampleMs) / 60_000.0;
        _lastSampleMs = _ctx.Now;
        _lastOnline = online;
        int routerCount = Math.Max(1, routers.Count);
        var fleet = _fleet.Measure();
        m.Samples.Add(new SampleRow(
            _ctx.Now, online, connections / 2, online == 0 ? 0 : connections / (double)online,
            online == 0 ? 0 : loadSum / online, load.Quantile(0.99), loadMax, online == 0 ? 0 : overHigh / (double)online,
            online == 0 ? 0 : atCap / (double)online, occupancySum / routerCount, occupancy.Quantile(0.99), over90 / (double)routerCount,
            m.RouterOverflows, m.Opens, m.Closes, m.Trims, m.PolitenessViolations,
            m.Starvations, m.FriendUptime,
            m.PolicyCloses, m.UsefulPeerTrims, m.MeshLinksTrimmed, m.RoutingTableTrims, m.RedialsByClosedPeer, m.UsefulMessages,
            fleet.ConnectionsPerPeer, fleet.DistinctPeers, fleet.CapacityUsed, m.FleetPeersLost));
    }

    /// <summary>The run's summary row.</summary>
    public RunSummary Summarize(double wallSeconds, long events)
    {
        var m = _ctx.Metrics;
        var s = _ctx.Scenario;
        double nodeMinutes = Math.Max(1e-9, m.OnlineNodeMinutes);
        var rows = m.Samples;
        return new RunSummary(
            s.Name, _engines.Variant.Name, s.Nodes, _ctx.Seed, s.DurationMs / 60_000.0, wallSeconds, events,
            Process.GetCurrentProcess().PeakWorkingSet64,
            rows.Count == 0 ? double.NaN : rows.Average(r => r.MeanLoadOfHighWater),
            rows.Count == 0 ? double.NaN : rows.Max(r => r.P99LoadOfHighWater),
            rows.Count == 0 ? double.NaN : rows.Max(r => r.MaxLoadOfHighWater),
            rows.Count == 0 ? double.NaN : rows.Max(r => r.ShareAtHardCap),
            rows.Count == 0 ? double.NaN : rows.Max(r => r.P99RouterOccupancy),
            m.RouterOverflows,
            m.Lookups == 0 ? double.NaN : m.LookupSuccesses / (double)m.Lookups,
            m.LookupHops.Quantile(0.5) - 0.5, m.LookupHops.Quantile(0.9) - 0.5, m.LookupHops.Quantile(0.99) - 0.5,
            m.LookupLatencyMs.Quantile(0.5), m.LookupLatencyMs.Quantile(0.9), m.LookupLatencyMs.Quantile(0.99),
            m.ExpectedDeliveries == 0 ? double.NaN : m.Deliveries / (double)m.ExpectedDeliveries,
            m.DeliveryLatencyMs.Quantile(0.5), m.DeliveryLatencyMs.Quantile(0.99),
            (m.Opens + m.Closes) / nodeMinutes, m.Trims, m.PolitenessViolations, m.DhtStarvations, m.PubsubStarvations,
            m.FriendUptime, m.CrowdDials == 0 ? double.NaN : m.CrowdAdmitted / (double)m.CrowdDials,
            _engines.TotalWork() / nodeMinutes, m.Lookups, m.Messages,
            m.PolicyCloses, m.UsefulPeerTrims, m.TrimsOfUsefulToPeer, m.MeshLinksTrimmed * 60 / nodeMinutes,
            m.RoutingTableTrims * 60 / nodeMinutes, m.RedialsByClosedPeer, m.RedialsByCloser,
            m.UsefulMessages == 0 ? double.NaN : m.Opens / (double)m.UsefulMessages,
            _ctx.Routers.Count == 0 ? double.NaN : _ctx.Routers.OverflowedCount / (double)_ctx.Routers.Count, m.BurstReleases,
            m.UsefulPeerReleases, m.RedialsAfterOwnTrim, m.DialsHeldAfterOwnTrim, m.SiteEntryRefusals)
        {
            Fleet = FleetFigures(rows),
            PerLookup = m.LookupQueries.Count == 0 ? null : (m.LookupQueries.Mean, m.LookupOpened.Mean),
        };
    }

    // The fleet's figures (none without a fleet): the sampled ones averaged over the run's second half, when the
    // members have filled up; the counted ones over the whole run.
    private FleetSummary? FleetFigures(IReadOnlyList<SampleRow> rows)
    {
        if (_ctx.Scenario.FleetSize <= 0) return null;
        var m = _ctx.Metrics;
        var late = rows.Where(r => r.TimeMs >= _ctx.Scenario.DurationMs / 2 && !double.IsNaN(r.FleetConnectionsPerPeer)).ToList();
        double Mean(Func<SampleRow, double> value) => late.Count == 0 ? double.NaN : late.Average(value);
        return new FleetSummary(
            Mean(r => r.FleetConnectionsPerPeer), Mean(r => r.FleetDistinctPeers), Mean(r => r.FleetCapacityUsed),
            m.GatewayVisits == 0 ? double.NaN : m.GatewayVisitsServed / (double)m.GatewayVisits,
            m.FleetTrims, m.FleetPeersLost, m.FleetPeersKeptByDuplicate, m.HandoffsOffered, m.HandoffsAccepted, m.HandoffsCompleted,
            m.DuplicatesSteered, m.HandoffsOfHeldPeers, m.HandoffsRetrimmed);
    }

    /// <summary>Reachable nodes online now (the DHT servers).</summary>
    public int OnlineServers()
    {
        var nodes = _ctx.Nodes;
        int count = 0;
        for (int node = 0; node < nodes.Count; node++) if (nodes.Online[node] && !nodes.Unreachable[node]) count++;
        return count;
    }
}
