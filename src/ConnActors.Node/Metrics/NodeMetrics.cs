using Prometheus;

namespace ConnActors.Node.Metrics;

/// <summary>
/// The node's Prometheus registry (prometheus-net): the <c>connactors_*</c> metrics of the <see cref="IMetricsSource"/>s,
/// refreshed before each scrape, plus the process and .NET runtime metrics; served at <c>GET /metrics</c>.
/// </summary>
internal sealed class NodeMetrics
{
    public NodeMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    /// <summary>Asks every source before each scrape.</summary>
    public void CollectFrom(IEnumerable<IMetricsSource> sources)
    {
        var all = sources.ToList();
        Registry.AddBeforeCollectCallback(async cancel =>
        {
            foreach (var source in all) await source.CollectAsync(cancel);
        });
    }
}
