using System.Diagnostics;

namespace ConnActors.Sim.Output;

/// <summary>A one-line progress bar on standard error, redrawn at most a few times a second.</summary>
internal sealed class ProgressBar(string label, TextWriter writer)
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private long _lastDrawMs = -1_000;

    public void Report(double fraction)
    {
        if (fraction < 1 && _wall.ElapsedMilliseconds - _lastDrawMs < 250) return;
        _lastDrawMs = _wall.ElapsedMilliseconds;
        const int width = 30;
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        writer.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {fraction,4:P0} {_wall.Elapsed.TotalSeconds,6:F0} s");
        if (fraction >= 1) writer.WriteLine();
    }
}
