using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary>Peers (the node's <c>PeerStatus</c> objects) as a table.</summary>
internal static class PeerTable
{
    public static Table Of(IEnumerable<JsonNode> peers)
    {
        var table = new Table().AddColumns("peer", "in", "out", "score", "subsystems", "marks", "penalty");
        foreach (var peer in peers)
        {
            table.AddRow(
                Markup.Escape(peer["peerId"]!.GetValue<string>()),
                peer["inbound"]!.ToString(),
                peer["outbound"]!.ToString(),
                peer["score"]!.GetValue<double>().ToString("0.##", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(",", peer["subsystems"]!.AsArray().Select(s => s!.GetValue<string>()))),
                Marks(peer),
                peer["penalty"]!.GetValue<double>().ToString("0.##", CultureInfo.InvariantCulture));
        }
        return table;
    }

    /// <summary>friend, protected, closing: what an operator looks for first.</summary>
    public static string Marks(JsonNode peer)
    {
        var marks = new List<string>();
        if (peer["isFriend"]!.GetValue<bool>()) marks.Add("friend");
        if (peer["isProtected"]!.GetValue<bool>()) marks.Add("protected");
        if (peer["isClosing"]!.GetValue<bool>()) marks.Add("closing");
        return string.Join(",", marks);
    }
}
