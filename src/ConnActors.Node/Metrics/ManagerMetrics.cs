using ConnActors.Actors.Manager;
using ConnActors.Node.Http;
using Prometheus;

namespace ConnActors.Node.Metrics;

/// <summary>
/// The connection manager's state as Prometheus metrics, read from <see cref="ManagerStatus"/> and the dial queue's
/// counters at each scrape. A connection of a peer that several subsystems hold counts under each of them; a peer no
/// subsystem holds counts under <c>subsystem="unassigned"</c>.
/// </summary>
internal sealed class ManagerMetrics : IMetricsSource
{
    public const string Unassigned = "unassigned";

    private readonly ManagerClient _manager;
    private readonly Gauge _connections;
    private readonly Gauge _pending;
    private readonly Counter _refused;
    private readonly Counter _trims;
    private readonly Gauge _watermarks;
    private readonly Gauge _quotaSlots;
    private readonly Gauge _dialQueue;
    private readonly Gauge _dialsInFlight;
    private readonly Gauge _bursts;
    private readonly Counter _failedHandshakes;

    public ManagerMetrics(ManagerClient manager, IMetricFactory factory)
    {
        _manager = manager;
        _connections = factory.CreateGauge("connactors_connections", "Open connections by direction and by the subsystem holding their peer.", ["direction", "subsystem"]);
        _pending = factory.CreateGauge("connactors_pending_handshakes", "Connections admitted at the address or dial gate whose handshake has not finished.", ["direction"]);
        _refused = factory.CreateCounter("connactors_admissions_refused_total", "Admissions refused (inbound address or peer, dial, stream), by reason.", ["reason"]);
        _trims = factory.CreateCounter("connactors_trims_total", "Peers closed by regulation rounds, emergency trims and quota reclaims, by reason.", ["reason"]);
        _watermarks = factory.CreateGauge("connactors_watermarks", "The connection limits: low and high water, hard cap.", ["level"]);
        _quotaSlots = factory.CreateGauge("connactors_quota_slots", "Each subsystem's slots: reserved, maximum and used.", ["subsystem", "kind"]);
        _dialQueue = factory.CreateGauge("connactors_dial_queue_length", "Dials waiting in the dial queue: queued to start, or parked until a backoff ends.", ["state"]);
        _dialsInFlight = factory.CreateGauge("connactors_dials_in_flight", "Dials started and not finished.");
        _bursts = factory.CreateGauge("connactors_active_bursts", "Bursts (e.g. DHT queries) open now.");
        _failedHandshakes = factory.CreateCounter("connactors_inbound_handshakes_failed_total",
            "Inbound connections admitted at the address gate that never finished their handshake (bad input, timeouts, refused after security).");
    }

    public async Task CollectAsync(CancellationToken cancel)
    {
        var (status, _) = await _manager.StatusAsync(cancel);
        if (status is null) throw new ScrapeFailedException("the connection manager did not answer");
        var (dials, _) = await _manager.AskAsync<DialQueueStatus>(GetDialQueueStatus.Instance, cancel);

        SetConnections(status);
        _pending.WithLabels("inbound").Set(status.Counts.PendingInbound);
        _pending.WithLabels("outbound").Set(status.Counts.PendingOutbound);
        foreach (var (reason, count) in status.RefusalsByReason) _refused.WithLabels(reason).IncTo(count);
        foreach (var (reason, count) in status.TrimsByReason) _trims.WithLabels(reason).IncTo(count);
        _watermarks.WithLabels("low").Set(status.Counts.LowWater);
        _watermarks.WithLabels("high").Set(status.Counts.HighWater);
        _watermarks.WithLabels("hard_cap").Set(status.Counts.HardCap);
        foreach (var quota in status.Quotas)
        {
            _quotaSlots.WithLabels(quota.Name, "reserved").Set(quota.Reserved);
            _quotaSlots.WithLabels(quota.Name, "maximum").Set(quota.Maximum);
            _quotaSlots.WithLabels(quota.Name, "used").Set(quota.Used);
        }
        if (dials is not null)
        {
            _dialQueue.WithLabels("queued").Set(dials.Queued);
            _dialQueue.WithLabels("parked").Set(dials.Parked);
            _dialsInFlight.Set(dials.InFlight);
        }
        _bursts.Set(status.ActiveBursts);
        _failedHandshakes.IncTo(status.FailedInboundHandshakes);
    }

    private void SetConnections(ManagerStatus status)
    {
        var counts = status.Quotas.Select(q => q.Name).Append(Unassigned)
            .ToDictionary(name => name, _ => (Inbound: 0, Outbound: 0), StringComparer.Ordinal);
        foreach (var peer in status.Peers)
        {
            foreach (var subsystem in peer.Subsystems.Count == 0 ? [Unassigned] : peer.Subsystems)
            {
                var (inbound, outbound) = counts.GetValueOrDefault(subsystem);
                counts[subsystem] = (inbound + peer.Inbound, outbound + peer.Outbound);
            }
        }
        foreach (var (subsystem, (inbound, outbound)) in counts)
        {
            _connections.WithLabels("inbound", subsystem).Set(inbound);
            _connections.WithLabels("outbound", subsystem).Set(outbound);
        }
    }
}
