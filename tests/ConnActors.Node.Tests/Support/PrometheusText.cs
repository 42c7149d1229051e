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

    /// <summary>Scrapes <c>GET /metrics</c> of a node and parses it.</summary>
    public static async Task<PrometheusText> ScrapeAsync(ManagementApi api)
    {
        var scrape = await api.GetAsync("/metrics");
        scrape.Expect(System.Net.HttpStatusCode.OK);
        return await ParseAsync(scrape.Json!.GetValue<string>());
    }

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
            f["metrics"]!.AsArray().Select(m => SampleOf(m!)).ToList()));
        return new PrometheusText(families.ToDictionary(f => f.Name));
    }

    // A histogram's sample has no value of its own: its count, sum and cumulative buckets (by "le"). The parser reads
    // only histograms without labels (it merges the buckets of all label sets), so the node's histograms have none.
    private static PrometheusSample SampleOf(JsonNode m)
    {
        var labels = m["labels"]?.AsObject().ToDictionary(l => l.Key, l => l.Value!.GetValue<string>()) ?? [];
        if (m["buckets"] is JsonObject buckets)
        {
            return new PrometheusSample(Number(m["count"]), labels, Number(m["sum"]),
                buckets.ToDictionary(b => b.Key, b => Number(b.Value), StringComparer.Ordinal));
        }
        return new PrometheusSample(Number(m["value"]), labels);
    }

    private static double Number(JsonNode? text) =>
        text is null ? 0 : double.Parse(text.GetValue<string>(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

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

/// <summary>A sample; of a histogram, <see cref="Value"/> is its count, with its <see cref="Sum"/> and cumulative <see cref="Buckets"/> by upper bound.</summary>
internal sealed record PrometheusSample(double Value, IReadOnlyDictionary<string, string> Labels, double Sum = 0, IReadOnlyDictionary<string, double>? Buckets = null);
