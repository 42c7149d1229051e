using ConnActors.Node.Tests.Support;
using Microsoft.Playwright;

namespace ConnActors.Node.Tests.Dashboard;

/// <summary>
/// The dashboard's cluster panel in a real Chromium against a cluster of three node processes: it lists the members as
/// the node sees them, this node marked, and the site's budget and shares; when a member is killed with SIGKILL the
/// panel shows it unreachable and then drops it, without a reload.
/// </summary>
public sealed class DashboardClusterTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private static readonly float Timeout = 60_000; // a killed member is removed after failure detection and the resolver's stable-after

    [Fact]
    public async Task Cluster_panel_shows_the_members_and_follows_a_member_killed()
    {
        await using var fleet = await NodeFleet.StartAsync(3);
        var (self, other, killed) = (fleet.Nodes[0], fleet.Nodes[1], fleet.Nodes[2]);
        var errors = new List<string>();
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1200 } });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(self.Url, new() { Timeout = Timeout });

        var panel = page.GetByTestId("cluster-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync(new() { Timeout = Timeout });
        var rows = page.Locator("#cluster-members tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Assertions.Expect(Row(page, self)).ToContainTextAsync($"{self.ClusterAddress} (this node)");
        foreach (var node in fleet.Nodes)
        {
            await Assertions.Expect(Row(page, node)).ToContainTextAsync("Up");
            await Assertions.Expect(Row(page, node)).ToContainTextAsync("cluster");
            await Assertions.Expect(Row(page, node)).ToContainTextAsync("lab");
        }
        await Assertions.Expect(page.Locator("#cluster-sites li[data-site=lab]")).ToContainTextAsync("site lab: budget 300", new() { Timeout = Timeout });

        await killed.Process.KillHardAsync();

        await Assertions.Expect(Row(page, killed)).ToContainTextAsync("no", new() { Timeout = Timeout }); // unreachable
        await Assertions.Expect(Row(page, killed)).ToHaveClassAsync("unreachable");
        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = Timeout }); // downed by the resolver and removed
        await Assertions.Expect(Row(page, other)).ToContainTextAsync("Up");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-cluster.png"), FullPage = true });
        Assert.Empty(errors);
    }

    private static ILocator Row(IPage page, FleetNode node) => page.Locator($"#cluster-members tr[data-address='{node.ClusterAddress}']");
}
