using System.CommandLine;
using System.Text.Json.Nodes;

namespace ConnActors.Cli.Palettes;

/// <summary>
/// <c>connctl dashboard</c>: the dashboard's address with the token in the URL fragment (<c>#token=...</c>), which the
/// browser never sends to any server; the page moves it into the tab's session storage and drops it from the address bar.
/// </summary>
internal sealed class DashboardPalette : IPalette
{
    public IEnumerable<Command> Commands(GlobalOptions options)
    {
        var dashboard = new Command("dashboard", "print the dashboard's address, with the token for its actions when connctl has it");
        yield return dashboard.WithNodeAction(options, async (context, _, cancel) =>
        {
            await context.Node.GetAsync("/api/health", cancel); // the node is there (and the token, if any, is accepted off loopback)
            string url = new Uri(context.Node.Node, "/").ToString();
            string? token = context.Node.Token;
            if (token is not null) url += "#token=" + Uri.EscapeDataString(token);
            context.Print(new JsonObject { ["url"] = url, ["withToken"] = token is not null }, console =>
            {
                Console.Out.WriteLine(url);
                if (token is null) Console.Error.WriteLine("no token found (CONNACTORS_TOKEN or --data-dir): the page can show the node but not change it until you paste the token");
            });
        });
    }
}
