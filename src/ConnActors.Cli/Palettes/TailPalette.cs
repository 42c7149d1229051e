using System.CommandLine;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary><c>connctl tail</c>: admissions, refusals, trims, byes and closes as the node streams them (<c>GET /api/events</c>).</summary>
internal sealed class TailPalette : IPalette
{
    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var types = new Option<string?>("--types") { Description = "only these event types, comma-separated: admitted, refused, trimmed, bye, closed, share" };
        var count = new Option<int?>("--count")
        {
            Description = "stop after this many events (default: until Ctrl+C or the node stops)",
            CustomParser = result => PositiveNumber.Int(result, "--count"),
        };
        var tail = new Command("tail", "follow the node's admissions, refusals, trims, byes and closes live") { types, count };
        yield return tail.WithNodeAction(options, async (context, parse, cancel) =>
        {
            string path = parse.GetValue(types) is { } wanted ? $"/api/events?types={Uri.EscapeDataString(wanted)}" : "/api/events";
            int? left = parse.GetValue(count);
            await using var stream = await context.Node.OpenStreamAsync(path, cancel);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancel))
            {
                if (item.EventType == "ready")
                {
                    await Console.Error.WriteLineAsync($"following {context.Node.Node} (Ctrl+C to stop)");
                    continue;
                }
                var live = JsonNode.Parse(item.Data)!;
                if (context.Json) Console.Out.WriteLine(live.ToJsonString());
                else context.Console.MarkupLine(Line(live));
                if (left is not null && --left == 0) return;
            }
        });
    }

    private static string Line(JsonNode e)
    {
        string at = DateTimeOffset.Parse(e["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ToLocalTime().ToString("HH:mm:ss.fff");
        string S(string name) => Markup.Escape(e[name]?.GetValue<string>() ?? "-");
        return e["type"]!.GetValue<string>() switch
        {
            "admitted" => $"{at} [green]admitted[/] {S("direction")} {S("peerId")} {S("remoteAddress")}",
            "refused" => $"{at} [yellow]refused[/]  {S("reason")} {S("peerId")} {S("remoteAddress")}",
            "trimmed" => $"{at} [red]trimmed[/]  {S("reason")} {S("peerId")}",
            "bye" => $"{at} [blue]bye[/]      {S("reason")} {S("peerId")} ({e["alternatives"]} alternative(s))",
            "closed" => $"{at} closed   {S("direction")} {S("peerId")} {S("reason")}",
            "share" => $"{at} [blue]share[/]    hard cap now {e["hardCap"]} (this node's share of its site budget)",
            "lost" => $"{at} [red]lost[/]     {e["count"]} event(s) this client was too slow for",
            var other => $"{at} {Markup.Escape(other)} {Markup.Escape(e.ToJsonString())}",
        };
    }
}
