using System.Collections.Concurrent;
using System.Diagnostics;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// Reads <c>counts.hardCap</c> of <c>GET /api/status</c> from every live member of a fleet every 150 ms, all at once,
/// until stopped; each sample keeps the window in which its answers were read.
/// </summary>
internal sealed class HardCapSampler : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(150);

    private readonly ConcurrentDictionary<int, FleetNode> _live = new();
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public HardCapSampler() => _loop = Task.Run(LoopAsync);

    /// <summary>One reading of the live members: window start and end (UTC) and each member's cap.</summary>
    public sealed record Sample(DateTime Start, DateTime End, IReadOnlyDictionary<int, int> Caps)
    {
        public int Sum => Caps.Values.Sum();
    }

    public IReadOnlyCollection<Sample> Samples => _samples;

    /// <summary>The latest complete sample, or null before the first one.</summary>
    public Sample? Latest => _samples.LastOrDefault();

    public void Add(int index, FleetNode node) => _live[index] = node;

    /// <summary>Stops reading a member (before it is killed).</summary>
    public void Remove(int index) => _live.TryRemove(index, out _);

    /// <summary>Stops sampling (again: nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task LoopAsync()
    {
        var next = Stopwatch.StartNew();
        while (!_stop.IsCancellationRequested)
        {
            var nodes = _live.ToArray();
            if (nodes.Length > 0)
            {
                var start = DateTime.UtcNow;
                var reads = nodes.Select(async n => (n.Key, Cap: await TryReadAsync(n.Value))).ToArray();
                var caps = await Task.WhenAll(reads);
                var end = DateTime.UtcNow;
                // A member that did not answer (killed between the copy of the live set and the read) leaves no sample.
                if (caps.All(c => c.Cap is not null)) _samples.Enqueue(new Sample(start, end, caps.ToDictionary(c => c.Key, c => c.Cap!.Value)));
            }
            var wait = Interval - next.Elapsed;
            next.Restart();
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<int?> TryReadAsync(FleetNode node)
    {
        try
        {
            return await node.HardCapAsync();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ObjectDisposedException or Xunit.Sdk.XunitException)
        {
            return null;
        }
    }
}
