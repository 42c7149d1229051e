using System.Diagnostics;
using System.Text;

namespace ConnActors.Cluster.Tests.Harness;

public sealed partial class ClusterHarness
{
    /// <summary>
    /// A barrier over every live node: asks each one for a value (<paramref name="report"/>, e.g. an Ask to
    /// an actor on it) until every value is <paramref name="reached"/> (and, with <paramref name="sameEverywhere"/>,
    /// all values are equal), polling; returns the values by node name. After <paramref name="timeout"/> it
    /// throws a <see cref="TimeoutException"/> listing each node's last value (or the exception it threw) and
    /// every node's view of the cluster. Nodes that terminate meanwhile are left out; none alive is a failure.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, T>> BarrierAsync<T>(
        string name,
        Func<ClusterNode, Task<T>> report,
        Func<T, bool> reached,
        TimeSpan timeout,
        bool sameEverywhere = false)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var live = LiveNodes;
            if (live.Count == 0) throw new InvalidOperationException($"barrier '{name}': no live node. State:{Environment.NewLine}{DescribeCluster()}");
            var probeTime = timeout - clock.Elapsed < Bounded.MinimumProbeTime ? Bounded.MinimumProbeTime : timeout - clock.Elapsed;
            var reports = await Task.WhenAll(live.Select(node => ReportAsync(node, report, reached, probeTime)));
            var allReached = reports.All(r => r.Reached)
                && (!sameEverywhere || reports.Select(r => r.Value).Distinct().Count() == 1);
            if (allReached)
            {
                Log($"barrier '{name}' reached by {string.Join(", ", live.Select(n => n.Name))}");
                return reports.ToDictionary(r => r.Node.Name, r => r.Value!);
            }
            if (clock.Elapsed >= timeout) throw new TimeoutException(BarrierFailure(name, timeout, reports, sameEverywhere));
            await Task.Delay(Bounded.PollInterval);
        }
    }

    /// <summary>A barrier on a condition each live node evaluates (see the general form).</summary>
    public Task BarrierAsync(string name, Func<ClusterNode, Task<bool>> reached, TimeSpan timeout) =>
        BarrierAsync(name, reached, value => value, timeout);

    /// <summary>A barrier on a condition each live node evaluates at once, e.g. on its cluster state.</summary>
    public Task BarrierAsync(string name, Func<ClusterNode, bool> reached, TimeSpan timeout) =>
        BarrierAsync(name, node => Task.FromResult(reached(node)), value => value, timeout);

    private static async Task<NodeReport<T>> ReportAsync<T>(ClusterNode node, Func<ClusterNode, Task<T>> report, Func<T, bool> reached, TimeSpan probeTime)
    {
        try
        {
            var value = await report(node).WaitAsync(probeTime);
            return new NodeReport<T>(node, value, reached(value), null);
        }
        catch (Exception e)
        {
            return new NodeReport<T>(node, default, false, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private string BarrierFailure<T>(string name, TimeSpan timeout, IEnumerable<NodeReport<T>> reports, bool sameEverywhere)
    {
        var text = new StringBuilder($"barrier '{name}' not reached within {Bounded.Show(timeout)}");
        if (sameEverywhere) text.Append(" (all nodes must report the same value)");
        text.AppendLine(". Last reports:");
        foreach (var r in reports)
            text.AppendLine($"  {r.Node.Name}: {(r.Error is not null ? "failed: " + r.Error : (r.Reached ? "reached" : "not reached") + ", value " + (r.Value?.ToString() ?? "null"))}");
        text.AppendLine("Cluster:").Append(DescribeCluster());
        return text.ToString();
    }

    private sealed record NodeReport<T>(ClusterNode Node, T? Value, bool Reached, string? Error);
}
