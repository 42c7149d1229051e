using ConnActors.Sim.Metrics;
using ScottPlot;

namespace ConnActors.Sim.Output;

/// <summary>PNG plots (ScottPlot, rendered headless through SkiaSharp).</summary>
internal static class Plots
{
    private const int Width = 900, Height = 420;

    /// <summary>One line per policy of (simulated minute, value) points.</summary>
    public static void TimeSeries(string path, string title, string yLabel, IReadOnlyList<(string Policy, IReadOnlyList<(double Minute, double Value)> Points)> runs)
    {
        var plot = new Plot();
        foreach (var (policy, points) in runs)
        {
            var xs = points.Select(p => p.Minute).ToArray();
            var ys = points.Select(p => double.IsFinite(p.Value) ? p.Value : 0).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = policy;
            line.MarkerSize = 0;
            bool ablation = policy.StartsWith("v2-", StringComparison.Ordinal);
            line.LineWidth = ablation ? 1 : 2;
            if (ablation) line.LinePattern = LinePattern.Dashed;
        }
        plot.Title(title);
        plot.XLabel("simulated minutes");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Empirical CDF points against the input curve (validation).</summary>
    public static void Cdf(string path, string title, IReadOnlyList<(double X, double Input, double Simulated)> points)
    {
        var plot = new Plot();
        var xs = points.Select(p => Math.Log10(p.X)).ToArray();
        var input = plot.Add.Scatter(xs, points.Select(p => p.Input).ToArray());
        input.LegendText = "input (measured IPFS)";
        var sim = plot.Add.Scatter(xs, points.Select(p => double.IsFinite(p.Simulated) ? p.Simulated : 0).ToArray());
        sim.LegendText = "simulated (Kaplan-Meier)";
        sim.LinePattern = LinePattern.Dashed;
        plot.Title(title);
        plot.XLabel("log10(session length, minutes)");
        plot.YLabel("P(length <= x)");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>A histogram given as bars.</summary>
    public static void Bars(string path, string title, string xLabel, IReadOnlyList<(double X, double Share)> bars)
    {
        var plot = new Plot();
        plot.Add.Bars(bars.Select(b => b.X).ToArray(), bars.Select(b => b.Share).ToArray());
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("share of lookups");
        plot.SavePng(path, Width, Height);
    }
}
