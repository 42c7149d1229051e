using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// Prometheus text parsed by a parser written by others (npm parse-prometheus-text-format in tests/metrics-parser,
/// installed by .ci/test-all.sh), as metric families: name, TYPE and samples with labels.
/// </summary>
internal sealed record PrometheusText(IReadOnlyDictionary<string, PrometheusFamily> Families)
{
    private static readonly TimeSpan ParseTimeout = TimeSpan.FromSeconds(30);

    public static async Task<PrometheusText> ParseAsync(string text)
    {
        string script = RepositoryFolder.Of("tests", "metrics-parser", "parse.mjs");
        if (!Directory.Exists(RepositoryFolder.Of("tests", "metrics-parser", "node_modules")))
            throw new InvalidOperationException("tests/metrics-parser has no node_modules: run `npm ci` there (.ci/test-all.sh does)");
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var cancel = new CancellationTokenSource(ParseTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"the Prometheus parser did not finish within {ParseTimeout.TotalSeconds}s");
        }
        if (process.ExitCode != 0) throw new Xunit.Sdk.XunitException($"the Prometheus parser refused the text: {await stderr}\n{text}");
        var families = JsonNode.Parse(await stdout)!.AsArray().Select(f => new PrometheusFamily(
            f!["name"]!.GetValue<string>(),
            f["type"]!.GetValue<string>(),
            f["metrics"]!.AsArray().Select(m => new PrometheusSample(
                double.Parse(m!["value"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                m["labels"]?.AsObject().ToDictionary(l => l.Key, l => l.Value!.GetValue<string>()) ?? [])).ToList()));
        return new PrometheusText(families.ToDictionary(f => f.Name));
    }

    public PrometheusFamily Family(string name) =>
        Families.TryGetValue(name, out var family) ? family : throw new Xunit.Sdk.XunitException($"no metric family {name}; have {string.Join(", ", Families.Keys)}");
}

internal sealed record PrometheusFamily(string Name, string Type, IReadOnlyList<PrometheusSample> Samples)
{
    /// <summary>The value of the one sample with exactly these labels.</summary>
    public double Value(params (string Name, string Value)[] labels) =>
        Samples.SingleOrDefault(s => s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value))?.Value
        ?? throw new Xunit.Sdk.XunitException($"{Name} has no sample {{{string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}; has {string.Join("; ", Samples.Select(s => string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))))}");
}

internal sealed record PrometheusSample(double Value, IReadOnlyDictionary<string, string> Labels);
