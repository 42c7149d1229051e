using System.CommandLine;
using System.Text.Json.Nodes;
using ConnActors.Cli.Node;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary>
/// <c>connctl dht status|routing-table|find-peer|find-providers|provide</c>: the node's Kad-DHT (docs/dht.md). Lookups are
/// bounded by the node's <c>connactors.dht.lookup-timeout</c>, so connctl waits for them longer than for other requests.
/// </summary>
internal sealed class DhtPalette : IPalette
{
    private static readonly TimeSpan LookupWait = TimeSpan.FromSeconds(150);

    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var dht = new Command("dht", "the Kad-DHT: its status, the routing table, find a peer or providers, provide a key");

        var peer = new Argument<string>("peer") { Description = "the peer id to find (12D3KooW... or Qm...)" };
        var findPeer = new Command("find-peer", "look a peer's addresses up (exit code 1 when it is not found)") { peer };
        dht.Subcommands.Add(findPeer.WithNodeAction(options, async (context, parse, cancel) =>
        {
            var found = await context.Node.PostAsync("/api/dht/find-peer", new JsonObject { ["peerId"] = parse.GetValue(peer) }, cancel, LookupWait);
            bool isFound = found["found"]!.GetValue<bool>();
            context.Print(found, console =>
            {
                if (isFound)
                {
                    console.MarkupLineInterpolated($"[green]found[/] {found["peerId"]!.GetValue<string>()}");
                    foreach (var address in found["addresses"]!.AsArray()) console.MarkupLineInterpolated($"  {address!.GetValue<string>()}");
                }
                console.MarkupLineInterpolated($"lookup: {Stats(found["stats"]!)}");
            });
            if (!isFound) throw new NotFoundException($"{found["peerId"]!.GetValue<string>()} was not found in the DHT");
        }));

        var key = new Argument<string>("key") { Description = "a multihash in hex (1220...) or a CID (Qm..., b...)" };
        var count = new Option<int>("--count") { Description = "stop after this many providers (1-1000)", DefaultValueFactory = _ => 20 };
        var findProviders = new Command("find-providers", "look up the peers that provide a key") { key, count };
        dht.Subcommands.Add(findProviders.WithNodeAction(options, async (context, parse, cancel) =>
        {
            var body = new JsonObject { ["key"] = parse.GetValue(key), ["count"] = parse.GetValue(count) };
            var found = await context.Node.PostAsync("/api/dht/find-providers", body, cancel, LookupWait);
            context.Print(found, console =>
            {
                var providers = found["providers"]!.AsArray();
                var table = new Table().AddColumns("provider", "addresses");
                foreach (var p in providers)
                    table.AddRow(Markup.Escape(p!["peerId"]!.GetValue<string>()), Markup.Escape(string.Join('\n', p["addresses"]!.AsArray().Select(a => a!.GetValue<string>()))));
                if (providers.Count > 0) console.Write(table);
                console.MarkupLineInterpolated($"{providers.Count} provider(s) of {found["key"]!.GetValue<string>()}");
                console.MarkupLineInterpolated($"lookup: {Stats(found["stats"]!)}");
            });
        }));

        var provide = new Command("provide", "announce this node as a provider of a key (re-announced every reprovide interval)") { key };
        dht.Subcommands.Add(provide.WithNodeAction(options, async (context, parse, cancel) =>
        {
            var provided = await context.Node.PostAsync("/api/dht/provide", new JsonObject { ["key"] = parse.GetValue(key) }, cancel, LookupWait);
            context.Print(provided, console =>
            {
                console.MarkupLineInterpolated($"[green]ok[/] provided {provided["key"]!.GetValue<string>()} to {provided["peers"]} peer(s)");
                console.MarkupLineInterpolated($"lookup: {Stats(provided["stats"]!)}");
            });
        }));

        var status = new Command("status", "the DHT's mode, routing table size, stores, lookups by kind and outcome, served requests, bad input");
        dht.Subcommands.Add(status.WithNodeAction(options, async (context, _, cancel) =>
        {
            var answer = await context.Node.GetAsync("/api/dht/routing-table", cancel);
            context.Print(answer, console => RenderStatus(console, answer));
        }));

        var routingTable = new Command("routing-table", "the routing table by bucket and the peers holding dht slots");
        dht.Subcommands.Add(routingTable.WithNodeAction(options, async (context, _, cancel) =>
        {
            var table = await context.Node.GetAsync("/api/dht/routing-table", cancel);
            context.Print(table, console => RenderRoutingTable(console, table));
        }));

        yield return dht;
    }

    private static void RenderHeader(IAnsiConsole console, JsonNode status, int slots)
    {
        console.MarkupLineInterpolated($"[bold]{status["peerId"]!.GetValue<string>()}[/] ({status["mode"]!.GetValue<string>()} mode)");
        console.MarkupLineInterpolated($"routing table {status["size"]} peer(s), {slots} holding a dht slot; lookups running {status["lookupsRunning"]}, waiting {status["lookupsWaiting"]}");
    }

    private static void RenderStatus(IAnsiConsole console, JsonNode status)
    {
        RenderHeader(console, status, status["routingSlots"]!.AsArray().Count);
        console.MarkupLineInterpolated($"provider records {status["providerRecords"]}, keys provided {status["providedKeys"]}, /pk/ records {status["valueRecords"]}");
        var c = status["counters"]!;
        var kinds = new Table().AddColumns("lookup kind", "started", "succeeded", "timed out", "not found", "refused (queue full)");
        foreach (var k in c["lookupsByKind"]!.AsArray().Where(k => k!["started"]!.GetValue<long>() + k["refused"]!.GetValue<long>() > 0))
            kinds.AddRow(Markup.Escape(k!["kind"]!.GetValue<string>()), $"{k["started"]}", $"{k["succeeded"]}", $"{k["timedOut"]}", $"{k["notFound"]}", $"{k["refused"]}");
        if (kinds.Rows.Count > 0) console.Write(kinds);
        long lookups = c["lookups"]!.GetValue<long>();
        console.MarkupLineInterpolated(
            $"lookups {lookups} (hops on average {(lookups == 0 ? 0 : c["lookupHops"]!.GetValue<long>() / (double)lookups):0.0}), queries sent {c["queriesSent"]}, failed {c["queriesFailed"]}, connections opened {c["connectionsOpened"]}, requests served {c["requestsServed"]}");
        console.MarkupLineInterpolated($"bad input: {Counts(c["badInput"]!)}");
        console.MarkupLineInterpolated($"refused: {Counts(c["refused"]!)}");
    }

    private static string Counts(JsonNode byKind)
    {
        var counts = byKind.AsObject().Select(e => $"{e.Key} {e.Value}").ToList();
        return counts.Count == 0 ? "none" : string.Join(", ", counts);
    }

    private static void RenderRoutingTable(IAnsiConsole console, JsonNode status)
    {
        var slots = status["routingSlots"]!.AsArray().Select(p => p!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        RenderHeader(console, status, slots.Count);
        var table = new Table().AddColumns("bucket (shared prefix bits)", "peer", "dht slot", "addresses");
        foreach (var bucket in status["buckets"]!.AsArray())
        {
            string cpl = bucket!["commonPrefixLength"]!.ToString();
            foreach (var p in bucket["peers"]!.AsArray())
            {
                string id = p!["peerId"]!.GetValue<string>();
                table.AddRow(cpl, Markup.Escape(id), slots.Contains(id) ? "yes" : "", Markup.Escape(string.Join('\n', p["addresses"]!.AsArray().Select(a => a!.GetValue<string>()))));
            }
            if (bucket["replacements"]!.GetValue<int>() is > 0 and int waiting) table.AddRow(cpl, $"({waiting} waiting in the replacement cache)", "", "");
        }
        if (table.Rows.Count > 0) console.Write(table);
    }

    private static string Stats(JsonNode s) =>
        $"{s["hops"]} hop(s), {s["queried"]} queried ({s["answered"]} answered, {s["failed"]} failed), {s["connectionsOpened"]} connection(s) opened, " +
        $"{s["durationMs"]!.GetValue<double>():0} ms{(s["timedOut"]!.GetValue<bool>() ? ", timed out" : "")}";
}
