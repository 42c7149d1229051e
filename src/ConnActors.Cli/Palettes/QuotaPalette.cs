using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ConnActors.Cli.Palettes;

/// <summary><c>connctl quota show</c>: each subsystem's reserved and maximum slots and what it uses.</summary>
internal sealed class QuotaPalette : IPalette
{
    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var quota = new Command("quota", "subsystems' connection budgets");
        var show = new Command("show", "each subsystem's reserved and maximum slots and its use");
        quota.Subcommands.Add(show.WithNodeAction(options, async (context, _, cancel) =>
        {
            var quotas = (await context.Node.GetAsync("/api/status", cancel))["quotas"]!.AsArray();
            context.Print(quotas, console =>
            {
                var table = new Table().AddColumns("subsystem", "used", "reserved", "maximum");
                foreach (var q in quotas)
                    table.AddRow(Markup.Escape(q!["name"]!.GetValue<string>()), q["used"]!.ToString(), q["reserved"]!.ToString(), q["maximum"]!.ToString());
                console.Write(table);
            });
        }));
        yield return quota;
    }
}
