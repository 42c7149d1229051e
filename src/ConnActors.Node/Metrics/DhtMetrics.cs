using Akka.Actor;
using ConnActors.Actors.Dht;
using Prometheus;

namespace ConnActors.Node.Metrics;

/// <summary>
/// The Kad-DHT's metrics (docs/operations.md): its routing table, stores, lookups and bad input read from
/// <see cref="DhtStatus"/> at each scrape, and each finished lookup's duration, hops and connections opened
/// observed from its <see cref="DhtLookupFinished"/> event (<see cref="Observe"/>). Served only by a node that runs the DHT.
/// </summary>
internal sealed class DhtMetrics : IMetricsSource
{
    private readonly IActorRef _dht;
    private readonly TimeSpan _askTimeout;
    private readonly Gauge _routingTable;
    private readonly Gauge _routingSlots;
    private readonly Gauge _lookupsActive;
    private readonly Gauge _records;
    private readonly Counter _started;
    private readonly Counter _succeeded;
    private readonly Counter _failed;
    private readonly Counter _queries;
    private readonly Counter _connectionsOpened;
    private readonly Counter _requestsServed;
    private readonly Counter _badInput;
    private readonly Counter _refused;
    private readonly Histogram _duration;
    private readonly Histogram _hops;
    private readonly Histogram _opened;

    public DhtMetrics(IActorRef dht, TimeSpan askTimeout, IMetricFactory factory)
    {
        _dht = dht;
        _askTimeout = askTimeout;
        _routingTable = factory.CreateGauge("connactors_dht_routing_table_peers", "Peers in the DHT routing table.");
        _routingSlots = factory.CreateGauge("connactors_dht_routing_slots", "Routing-table peers holding a dht quota slot while connected.");
        _lookupsActive = factory.CreateGauge("connactors_dht_lookups", "DHT lookups running now, or waiting for a free place.", ["state"]);
        _records = factory.CreateGauge("connactors_dht_records", "Records the DHT stores: provider records (of other peers and ours), keys this node provides, /pk/ records.", ["kind"]);
        _started = factory.CreateCounter("connactors_dht_lookups_started_total", "DHT lookups started (run or queued), by kind.", ["kind"]);
        _succeeded = factory.CreateCounter("connactors_dht_lookups_succeeded_total",
            "DHT lookups that got what they were for (the peer, a provider, the value; a provide or put delivered; closest and refresh: a peer answered), by kind.", ["kind"]);
        _failed = factory.CreateCounter("connactors_dht_lookups_failed_total", "DHT lookups that timed out, ended without what they were for (not_found), or were refused (queue_full), by kind and reason.", ["kind", "reason"]);
        _queries = factory.CreateCounter("connactors_dht_queries_total", "DHT queries sent to peers, and those that failed (unreachable, timed out, bad answer).", ["result"]);
        _connectionsOpened = factory.CreateCounter("connactors_dht_connections_opened_total", "Connections the DHT's queries opened.");
        _requestsServed = factory.CreateCounter("connactors_dht_requests_served_total", "DHT requests from peers answered (server mode).");
        _badInput = factory.CreateCounter("connactors_dht_bad_input_total", "Bad input from peers, each penalized (connactors.dht.bad-input-penalty), by kind.", ["kind"]);
        _refused = factory.CreateCounter("connactors_dht_requests_refused_total", "Requests from peers refused without a penalty (not kept), by reason.", ["reason"]);
        // The histograms take every lookup (operators' and the refresh's) without a kind label: few series, and
        // the lookups' kinds are in the counters.
        _duration = factory.CreateHistogram("connactors_dht_lookup_duration_seconds", "Time from a DHT lookup's start to its end (every kind).",
            new HistogramConfiguration { Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _hops = factory.CreateHistogram("connactors_dht_lookup_hops", "Hops of a DHT lookup (of the closest peer that answered; every kind).",
            new HistogramConfiguration { Buckets = [0, 1, 2, 3, 4, 5, 6, 8, 10] });
        _opened = factory.CreateHistogram("connactors_dht_lookup_connections_opened", "Connections a DHT lookup opened (every kind).",
            new HistogramConfiguration { Buckets = [0, 1, 2, 3, 5, 8, 13, 20, 30, 50, 100] });
        // Every label value is served from the first scrape (at 0), so dashboards and rate() see the series before the first event.
        foreach (var kind in DhtBadInputKinds.All) _badInput.WithLabels(kind);
        foreach (var reason in DhtRefusalReasons.All) _refused.WithLabels(reason);
        foreach (var result in new[] { "sent", "failed" }) _queries.WithLabels(result);
    }

    /// <summary>A finished lookup (from the event stream, via <see cref="DhtLookupObserver"/>).</summary>
    public void Observe(DhtLookupFinished finished)
    {
        _duration.Observe(finished.Stats.Duration.TotalSeconds);
        _hops.Observe(finished.Stats.Hops);
        _opened.Observe(finished.Stats.ConnectionsOpened);
    }

    public async Task CollectAsync(CancellationToken cancel)
    {
        DhtStatus status;
        try
        {
            status = await _dht.Ask<DhtStatus>(GetDhtStatus.Instance, _askTimeout, cancel);
        }
        catch (AskTimeoutException)
        {
            throw new ScrapeFailedException("the DHT did not answer");
        }
        _routingTable.Set(status.RoutingTableSize);
        _routingSlots.Set(status.RoutingHeld.Count);
        _lookupsActive.WithLabels("running").Set(status.LookupsRunning);
        _lookupsActive.WithLabels("waiting").Set(status.LookupsWaiting);
        _records.WithLabels("provider").Set(status.ProviderRecords);
        _records.WithLabels("provided_key").Set(status.ProvidedKeys);
        _records.WithLabels("public_key").Set(status.ValueRecords);
        var counters = status.Counters;
        foreach (var kind in counters.LookupsByKind)
        {
            _started.WithLabels(kind.Kind).IncTo(kind.Started);
            _succeeded.WithLabels(kind.Kind).IncTo(kind.Succeeded);
            _failed.WithLabels(kind.Kind, "timed_out").IncTo(kind.TimedOut);
            _failed.WithLabels(kind.Kind, "not_found").IncTo(kind.NotFound);
            _failed.WithLabels(kind.Kind, "queue_full").IncTo(kind.Refused);
        }
        _queries.WithLabels("sent").IncTo(counters.QueriesSent);
        _queries.WithLabels("failed").IncTo(counters.QueriesFailed);
        _connectionsOpened.IncTo(counters.ConnectionsOpened);
        _requestsServed.IncTo(counters.RequestsServed);
        foreach (var (kind, count) in counters.BadInput) _badInput.WithLabels(kind).IncTo(count);
        foreach (var (reason, count) in counters.Refused) _refused.WithLabels(reason).IncTo(count);
    }
}
