namespace ConnActors.Node.Metrics;

/// <summary>
/// A part of the node that refreshes its gauges and counters right before each scrape of <c>GET /metrics</c>.
/// Register one as a singleton <c>IMetricsSource</c> in the management server's services, with its metrics created
/// from <see cref="NodeMetrics.Factory"/>; every source is asked on each scrape.
/// </summary>
internal interface IMetricsSource
{
    Task CollectAsync(CancellationToken cancel);
}
