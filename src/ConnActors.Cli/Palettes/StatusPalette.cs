using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary><c>connctl status</c>: the node's identity, connection counts against its limits, refusals and trims.</summary>
internal sealed class StatusPalette : IPalette
{
    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        yield return new Command("status", "the node's connections against its limits, refusals and trims").WithNodeAction(options, async (context, _, cancel) =>
        {
            var status = await context.Node.GetAsync("/api/status", cancel);
            context.Print(status, console => Render(console, status));
        });
    }

    private static void Render(IAnsiConsole console, JsonNode status)
    {
        var counts = status["counts"]!;
        int Count(string name) => counts[name]!.GetValue<int>();
        console.MarkupLineInterpolated($"[bold]{status["peerId"]!.GetValue<string>()}[/]");
        foreach (var address in status["listenAddresses"]!.AsArray()) console.MarkupLineInterpolated($"  listening on {address!.GetValue<string>()}");
        var table = new Table().AddColumns("connections", "inbound", "outbound", "pending in/out", "low water", "high water", "hard cap", "outbound reserve", "friend reserve");
        table.AddRow(
            Count("connections").ToString(), Count("inbound").ToString(), Count("outbound").ToString(),
            $"{Count("pendingInbound")}/{Count("pendingOutbound")}", Count("lowWater").ToString(), Count("highWater").ToString(),
            Count("hardCap").ToString(), Count("outboundReserve").ToString(), Count("friendReserve").ToString());
        console.Write(table);
        if (counts["routerEntries"] is { } held && counts["routerEntryBudget"] is { } budget)
            console.MarkupLineInterpolated($"router entries {held} of {budget} (open, in flight, and ended ones still lingering in the router)");
        var peers = status["peers"]!.AsArray();
        console.MarkupLineInterpolated($"peers {peers.Count} (friends {peers.Count(p => p!["isFriend"]!.GetValue<bool>())}, protected {peers.Count(p => p!["isProtected"]!.GetValue<bool>())}), active bursts {status["activeBursts"]}, dials queued or in flight {status["queuedDials"]}");
        console.MarkupLineInterpolated($"refused: {Totals(status["refusalsByReason"]!)}");
        console.MarkupLineInterpolated($"trimmed: {Totals(status["trimsByReason"]!)}");
    }

    private static string Totals(JsonNode byReason)
    {
        var entries = byReason.AsObject().OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {e.Value}").ToList();
        return entries.Count == 0 ? "none" : string.Join(", ", entries);
    }
}
