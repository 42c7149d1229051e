using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary><c>connctl peers list|show|trim</c>.</summary>
internal sealed class PeersPalette : IPalette
{
    private static readonly string[] SortKeys = ["score", "peer", "connections"];

    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var peers = new Command("peers", "the peers the node tracks: list, show one, trim");

        var subsystem = new Option<string?>("--subsystem") { Description = "only peers this subsystem holds (e.g. dht, pubsub)" };
        var sort = new Option<string>("--sort") { Description = "score (highest first), peer, or connections (most first)", DefaultValueFactory = _ => "score" };
        sort.AcceptOnlyFromAmong(SortKeys);
        var list = new Command("list", "connected, friend, protected and penalized peers") { subsystem, sort };
        peers.Subcommands.Add(list.WithNodeAction(options, async (context, parse, cancel) =>
        {
            var all = (await context.Node.GetAsync("/api/peers", cancel)).AsArray().Select(p => p!);
            if (parse.GetValue(subsystem) is { } name)
                all = all.Where(p => p["subsystems"]!.AsArray().Any(s => s!.GetValue<string>() == name));
            var sorted = Sort(all, parse.GetValue(sort)!).ToList();
            context.Print(new JsonArray(sorted.Select(p => p.DeepClone()).ToArray()), console =>
            {
                console.Write(PeerTable.Of(sorted));
                console.MarkupLineInterpolated($"{sorted.Count} peer(s)");
            });
        }));

        var peer = new Argument<string>("peer") { Description = "the peer id (12D3KooW... or Qm...)" };
        var show = new Command("show", "one peer as the node sees it") { peer };
        peers.Subcommands.Add(show.WithNodeAction(options, async (context, parse, cancel) =>
        {
            var found = await context.Node.GetAsync($"/api/peers/{Uri.EscapeDataString(parse.GetValue(peer)!)}", cancel);
            context.Print(found, console =>
            {
                var grid = new Grid().AddColumn().AddColumn();
                foreach (var (key, value) in found.AsObject()) grid.AddRow(Markup.Escape(key), Markup.Escape(value?.ToJsonString().Trim('"') ?? ""));
                console.Write(grid);
            });
        }));

        var trim = new Command("trim", "run a regulation round now (trims only above high water)");
        peers.Subcommands.Add(trim.WithNodeAction(options, async (context, _, cancel) =>
            context.PrintResult(await context.Node.PostAsync("/api/trim", null, cancel))));

        yield return peers;
    }

    private static IEnumerable<JsonNode> Sort(IEnumerable<JsonNode> peers, string key) => key switch
    {
        "peer" => peers.OrderBy(p => p["peerId"]!.GetValue<string>(), StringComparer.Ordinal),
        "connections" => peers.OrderByDescending(p => p["inbound"]!.GetValue<int>() + p["outbound"]!.GetValue<int>()),
        _ => peers.OrderByDescending(p => p["score"]!.GetValue<double>()),
    };
}
