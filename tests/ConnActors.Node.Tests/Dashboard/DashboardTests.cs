using ConnActors.Node.Tests.Support;
using Microsoft.Playwright;

namespace ConnActors.Node.Tests.Dashboard;

/// <summary>
/// The dashboard in a real Chromium against a node process: counts follow real libp2p peers as they connect (pushed,
/// no reload), the peer table sorts, a friend is added and removed through the page with the token from the link
/// <c>connctl dashboard</c> prints, and without the token (or with a wrong one) nothing changes.
/// </summary>
public sealed class DashboardTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private static readonly float Timeout = 30_000;
    private readonly List<string> _scriptErrors = [];

    [Fact]
    public async Task Counts_follow_peers_as_they_connect_and_the_table_sorts()
    {
        await using var node = await StartedNode.StartAsync();
        var page = await OpenAsync(node.Url);
        await Expect(page, "connections", "0");

        await node.Peers.DialAsync(node.Libp2pAddress, 3);

        await Expect(page, "connections", "3");
        await Expect(page, "inbound", "3");
        await Expect(page, "peer-count", "3");
        var shown = await page.Locator("#peers tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.peer)");
        Assert.Equal(node.Peers.Hosts.Select(h => h.PeerId.ToString()).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));

        await page.ClickAsync("#peer-table th[data-key=peerId]");
        var sorted = await page.Locator("#peers tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.peer)");
        Assert.Equal(sorted.Order(StringComparer.Ordinal), sorted);
        await page.ClickAsync("#peer-table th[data-key=peerId]");
        var reversed = await page.Locator("#peers tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.peer)");
        Assert.Equal(sorted.Reverse(), reversed);

        await node.Peers.DisposeHostAsync(0);
        await Expect(page, "connections", "2");

        // Marks and refusals show too: a protected peer, a friend, a penalized peer refused at the gate.
        string protectedPeer = node.Peers.Hosts[0].PeerId.ToString();
        (await node.Api.PostAsync($"/api/peers/{protectedPeer}/protect", new { tag = "operator" })).Expect(System.Net.HttpStatusCode.OK);
        (await node.Api.PostAsync("/api/friends", new { address = TestPeers.UnreachableFriend().Address })).Expect(System.Net.HttpStatusCode.Created);
        var barred = await node.Peers.StartAsync();
        (await node.Api.PostAsync($"/api/peers/{barred.PeerId}/penalty", new { amount = 500 })).Expect(System.Net.HttpStatusCode.OK);
        await Assert.ThrowsAnyAsync<Exception>(() => node.Peers.DialFromAsync(barred, node.Libp2pAddress));
        await Assertions.Expect(page.Locator($"#peers tr[data-peer='{protectedPeer}']")).ToContainTextAsync("protected", new() { Timeout = Timeout });
        await Expect(page, "refused-total", "(1 since start");
        await Assertions.Expect(page.Locator("#events li[data-type=refused]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("cluster-panel")).ToBeHiddenAsync(); // not a member of a cluster
        await SaveScreenshotAsync(page);
        Assert.Empty(_scriptErrors);
    }

    [Fact]
    public async Task Friend_is_added_and_removed_through_the_page_with_the_token_from_the_link()
    {
        await using var node = await StartedNode.StartAsync();
        var friend = await node.Peers.StartAsync();
        var page = await OpenAsync($"{node.Url}/#token={Uri.EscapeDataString(node.Token)}");
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal); // moved out of the address bar
        await Expect(page, "token-state", "token set");

        await page.FillAsync("#friend-input", LivePeers.AddressOf(friend));
        await page.ClickAsync("[data-testid=friend-add]");

        await Expect(page, "action-result", $"friend {friend.PeerId} added");
        var entry = page.Locator($"#friends li[data-peer='{friend.PeerId}']");
        await Assertions.Expect(entry).ToContainTextAsync("connected", new() { Timeout = Timeout }); // the node dialed its new friend
        var status = await node.Api.GetOkAsync($"/api/peers/{friend.PeerId}");
        Assert.True(status["isFriend"]!.GetValue<bool>());

        await entry.Locator("button.remove").ClickAsync();
        await Assertions.Expect(entry).ToHaveCountAsync(0, new() { Timeout = Timeout });
        Assert.False((await node.Api.GetOkAsync($"/api/peers/{friend.PeerId}"))["isFriend"]!.GetValue<bool>());
        Assert.Empty(_scriptErrors);
    }

    [Fact]
    public async Task Without_the_right_token_the_page_changes_nothing()
    {
        await using var node = await StartedNode.StartAsync();
        var (peer, address) = TestPeers.UnreachableFriend();
        var page = await OpenAsync(node.Url);

        await page.FillAsync("#friend-input", address);
        await page.ClickAsync("[data-testid=friend-add]");
        await Expect(page, "action-result", "changes need the API token");

        await page.FillAsync("#token-input", new string('x', node.Token.Length));
        await page.ClickAsync("[data-testid=token-save]");
        await page.ClickAsync("[data-testid=friend-add]");
        await Expect(page, "action-result", "the node refused the token");

        var peers = (await node.Api.GetOkAsync("/api/peers")).AsArray();
        Assert.DoesNotContain(peers, p => p!["peerId"]!.GetValue<string>() == peer);
        Assert.Empty(_scriptErrors);
    }

    private async Task<IPage> OpenAsync(string url)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => _scriptErrors.Add(error);
        await page.GotoAsync(url, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("live")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        return page;
    }

    private static Task Expect(IPage page, string testId, string text) =>
        Assertions.Expect(page.GetByTestId(testId)).ToContainTextAsync(text, new() { Timeout = Timeout });

    // Kept with the test results; CONNACTORS_DASHBOARD_SCREENSHOT=docs/dashboard.png refreshes the one in docs.
    private static async Task SaveScreenshotAsync(IPage page)
    {
        string path = Environment.GetEnvironmentVariable("CONNACTORS_DASHBOARD_SCREENSHOT") is { Length: > 0 } wanted
            ? Path.GetFullPath(wanted, RepositoryFolder.Root)
            : Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
    }
}
