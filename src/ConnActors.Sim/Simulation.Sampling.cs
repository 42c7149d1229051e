using System.Diagnostics;
using ConnActors.Sim.Metrics;
using ConnActors.Sim.Policies;

namespace ConnActors.Sim;

internal sealed partial class Simulation
{
    private long _lastSampleMs;
    private int _lastOnline;

    /// <summary>Records connections against limits and router occupancy now.</summary>
    private void Sample()
    {
        int online = 0;
        long connections = 0;
        double loadSum = 0, loadMax = 0;
        int overHigh = 0, atCap = 0;
        var load = new Histogram(0.01, 1_000);
        for (int node = 0; node < _nodes.Count; node++)
        {
            if (!_nodes.Online[node]) continue;
            online++;
            int degree = _links.Degree(node);
            connections += degree;
            var limits = NodePolicies.LimitsOf(_nodes.Profile[node]);
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
        for (int r = 0; r < _routers.Count; r++)
        {
            double ratio = _routers.Used(r) / (double)_routers.Capacity(r);
            occupancy.Add(ratio);
            occupancySum += ratio;
            if (ratio > 0.9) over90++;
        }
        Metrics.OnlineNodeMinutes += _lastOnline * (_now - _lastSampleMs) / 60_000.0;
        _lastSampleMs = _now;
        _lastOnline = online;
        int routers = Math.Max(1, _routers.Count);
        Metrics.Samples.Add(new SampleRow(
            _now, online, connections / 2, online == 0 ? 0 : connections / (double)online,
            online == 0 ? 0 : loadSum / online, load.Quantile(0.99), loadMax, online == 0 ? 0 : overHigh / (double)online,
            online == 0 ? 0 : atCap / (double)online, occupancySum / routers, occupancy.Quantile(0.99), over90 / (double)routers,
            Metrics.RouterOverflows, Metrics.Opens, Metrics.Closes, Metrics.Trims, Metrics.PolitenessViolations,
            Metrics.Starvations, Metrics.FriendUptime));
    }

    private RunSummary Summarize(double wallSeconds)
    {
        var m = Metrics;
        long work = m.WorkUnitsOfRetiredEngines;
        foreach (var engine in _engines) if (engine is not null) work += engine.WorkUnits;
        double nodeMinutes = Math.Max(1e-9, m.OnlineNodeMinutes);
        var rows = m.Samples;
        return new RunSummary(
            _s.Name, Variant.Name, _s.Nodes, _seed, _s.DurationMs / 60_000.0, wallSeconds, _events,
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
            work / nodeMinutes, m.Lookups, m.Messages);
    }

    /// <summary>Reachable nodes online now (the DHT servers).</summary>
    public int OnlineServers()
    {
        int count = 0;
        for (int node = 0; node < _nodes.Count; node++) if (_nodes.Online[node] && !_nodes.Unreachable[node]) count++;
        return count;
    }
}
