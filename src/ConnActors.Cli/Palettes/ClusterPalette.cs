using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary>
/// <c>connctl cluster show|leave|down &lt;address&gt;</c>, like pbm's <c>cluster show</c>, <c>cluster leave</c> and
/// <c>cluster down</c>: the members and site shares as this node sees them, a graceful leave of this node, and downing a
/// member that cannot leave by itself (crashed, unreachable).
/// </summary>
internal sealed class ClusterPalette : IPalette
{
    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var cluster = new Command("cluster", "the fleet: members, site budgets and shares; leave, down");

        var show = new Command("show", "the members (status, roles, site, hard cap, connections, reachability) and each site's budget and shares");
        cluster.Subcommands.Add(show.WithNodeAction(options, async (context, _, cancel) =>
        {
            var answer = await context.Node.GetAsync("/api/cluster", cancel);
            context.Print(answer, console => Render(console, answer));
        }));

        var leave = new Command("leave", "this node leaves the cluster gracefully: the others take over its share, then it stops");
        cluster.Subcommands.Add(leave.WithNodeAction(options, async (context, _, cancel) =>
            context.PrintResult(await context.Node.PostAsync("/api/cluster/leave", null, cancel))));

        var address = new Argument<string>("address") { Description = "the member's address, akka.tcp://connactors@HOST:PORT or HOST:PORT (as cluster show lists it)" };
        var down = new Command("down", "mark a member down (one that crashed or cannot be reached); it is removed and its share redistributed") { address };
        cluster.Subcommands.Add(down.WithNodeAction(options, async (context, parse, cancel) =>
            context.PrintResult(await context.Node.PostAsync("/api/cluster/down", new JsonObject { ["address"] = parse.GetValue(address) }, cancel))));

        yield return cluster;
    }

    private static void Render(IAnsiConsole console, JsonNode answer)
    {
        string self = answer["self"]!.GetValue<string>();
        console.MarkupLineInterpolated($"[bold]{self}[/] (this node)");
        var members = new Table().AddColumns("address", "status", "roles", "site", "hard cap", "connections", "reachable");
        foreach (var m in answer["members"]!.AsArray())
        {
            string memberAddress = m!["address"]!.GetValue<string>();
            members.AddRow(
                Markup.Escape(memberAddress == self ? memberAddress + " *" : memberAddress),
                Markup.Escape(m["status"]!.GetValue<string>()),
                Markup.Escape(string.Join(",", m["roles"]!.AsArray().Select(r => r!.GetValue<string>()))),
                Markup.Escape(m["site"]!.GetValue<string>()),
                m["hardCap"]!.ToString(),
                m["connections"]!.ToString(),
                m["reachable"]!.GetValue<bool>() ? "yes" : "[red]no[/]");
        }
        console.Write(members);
        var sites = answer["sites"]!.AsArray();
        if (sites.Count == 0)
        {
            console.MarkupLine("no site budgets");
            return;
        }
        var table = new Table().AddColumns("site", "budget", "allocated", "shares");
        foreach (var site in sites)
        {
            var allocations = site!["allocations"]!.AsObject();
            table.AddRow(
                Markup.Escape(site["name"]!.GetValue<string>()),
                site["budget"]!.ToString(),
                allocations.Sum(a => a.Value!.GetValue<int>()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(string.Join("\n", allocations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {a.Value}"))));
        }
        console.Write(table);
    }
}
