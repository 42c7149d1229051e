using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary><c>connctl friend add|remove|list</c>: priority peers, kept connected and reconnected forever.</summary>
internal sealed class FriendPalette : IPalette
{
    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var friend = new Command("friend", "priority peers: never trimmed, reserved slots, reconnected forever");

        var address = new Argument<string>("address") { Description = "the friend's multiaddr ending in /p2p/<peer id>, e.g. /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW..." };
        var add = new Command("add", "make a peer a friend (persisted)") { address };
        friend.Subcommands.Add(add.WithNodeAction(options, async (context, parse, cancel) =>
            context.PrintResult(await context.Node.PostAsync("/api/friends", new JsonObject { ["address"] = parse.GetValue(address) }, cancel))));

        var peer = new Argument<string>("peer") { Description = "the friend's peer id" };
        var remove = new Command("remove", "the peer is no longer a friend") { peer };
        friend.Subcommands.Add(remove.WithNodeAction(options, async (context, parse, cancel) =>
            context.PrintResult(await context.Node.DeleteAsync($"/api/friends/{Uri.EscapeDataString(parse.GetValue(peer)!)}", cancel))));

        var list = new Command("list", "the node's friends");
        friend.Subcommands.Add(list.WithNodeAction(options, async (context, _, cancel) =>
        {
            var friends = (await context.Node.GetAsync("/api/peers", cancel)).AsArray().Where(p => p!["isFriend"]!.GetValue<bool>()).Select(p => p!).ToList();
            context.Print(new JsonArray(friends.Select(p => p.DeepClone()).ToArray()), console =>
            {
                console.Write(PeerTable.Of(friends));
                console.MarkupLineInterpolated($"{friends.Count} friend(s)");
            });
        }));
        yield return friend;
    }
}
