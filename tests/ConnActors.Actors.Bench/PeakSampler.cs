using System.Diagnostics;

namespace ConnActors.Actors.Bench;

/// <summary>Samples a count every ~20 ms; keeps the peak and the last time it changed (the settle time).</summary>
internal sealed class PeakSampler
{
    private readonly Func<Task<int>> _count;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Task _loop;
    private int _last = -1;

    public PeakSampler(Func<Task<int>> count)
    {
        _count = count;
        _loop = Task.Run(LoopAsync);
    }

    public int Peak { get; private set; }
    public double LastChangeSeconds { get; private set; }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            int n = await _count();
            Peak = Math.Max(Peak, n);
            if (n != _last) { _last = n; LastChangeSeconds = _watch.Elapsed.TotalSeconds; }
            try { await Task.Delay(20, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }
}
