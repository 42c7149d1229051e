using System.CommandLine;
using System.Text.Json.Nodes;

namespace ConnActors.Cli.Palettes;

/// <summary><c>connctl protect|unprotect &lt;peer&gt; &lt;tag&gt;</c> and <c>connctl penalty &lt;peer&gt; &lt;amount&gt;</c>.</summary>
internal sealed class ProtectionPalette : IPalette
{
    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var peer = new Argument<string>("peer") { Description = "the peer id" };
        var tag = new Argument<string>("tag") { Description = "a name for the protection (a peer may carry several)" };
        var protect = new Command("protect", "protect a peer from trims under a tag (persisted)") { peer, tag };
        yield return protect.WithNodeAction(options, async (context, parse, cancel) =>
            context.PrintResult(await context.Node.PostAsync($"/api/peers/{Escape(parse.GetValue(peer))}/protect", new JsonObject { ["tag"] = parse.GetValue(tag) }, cancel)));

        var unprotect = new Command("unprotect", "remove one protection tag; the peer stays protected while another holds") { peer, tag };
        yield return unprotect.WithNodeAction(options, async (context, parse, cancel) =>
            context.PrintResult(await context.Node.DeleteAsync($"/api/peers/{Escape(parse.GetValue(peer))}/protect/{Escape(parse.GetValue(tag))}", cancel)));

        var amount = new Argument<double>("amount")
        {
            Description = "a positive number; lowers the peer's score, bars it from admission past the bar threshold, decays",
            CustomParser = result => PositiveNumber.Double(result, "amount"),
        };
        var penalty = new Command("penalty", "penalize a peer (remembered after it leaves; persisted)") { peer, amount };
        yield return penalty.WithNodeAction(options, async (context, parse, cancel) =>
            context.PrintResult(await context.Node.PostAsync($"/api/peers/{Escape(parse.GetValue(peer))}/penalty", new JsonObject { ["amount"] = parse.GetValue(amount) }, cancel)));
    }

    private static string Escape(string? value) => Uri.EscapeDataString(value ?? "");
}
