using System.Text.Json.Nodes;
using ConnActors.Node.Tests.Support;
using ConnActors.Policy.Fleet;

namespace ConnActors.Node.Tests;

/// <summary>
/// A node alone behind a home router (<c>connactors.limits.router-entries</c>), as a process on real sockets: its
/// connections and the ends still lingering fill its router entries, then an inbound attempt and its own dial are
/// refused (RouterEntriesFull in /api/status), and once the ends stop lingering it connects again; with
/// <c>connactors.libp2p.reset-on-close</c> (the default) the ends of closed connections linger only for the reset linger.
/// </summary>
public sealed class RouterEntriesTests
{
    private const int Entries = 24;
    private const int ConfiguredHardCap = 100;
    private const int HeldOpen = 6; // with the friend and one more peer, below high water (10 of the hard cap of 12): nothing is trimmed
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Ended_connections_fill_the_router_entries_until_their_linger_passes_then_the_node_connects_again()
    {
        // Closed with FIN, every end lingers for router-entry-linger (with reset-on-close, see below, for 3 s).
        await using var node = await StartedNode.StartAsync($$"""
            connactors.limits { router-entries = {{Entries}}, hard-cap = {{ConfiguredHardCap}} }
            connactors.libp2p.reset-on-close = off
            connactors.limits { router-entry-linger = {{(int)Linger.TotalSeconds}}s, router-reset-linger = 3s }
            connactors.friend-reconnect { initial = 1s, cap = 2s }
            """);
        var counts = await CountsAsync(node);
        Assert.Equal(RouterEntryBudget.HardCapFor(Entries, ConfiguredHardCap), counts["hardCap"]!.GetValue<int>());
        Assert.Equal(Entries, counts["routerEntryBudget"]!.GetValue<int>());
        Assert.Equal(0, counts["routerEntries"]!.GetValue<int>());
        Assert.Contains($"hard cap {RouterEntryBudget.HardCapFor(Entries, ConfiguredHardCap)}, router entries {Entries} (hard cap {ConfiguredHardCap} configured),", node.Process.Stdout, StringComparison.Ordinal);

        // A few peers stay; the others connect and leave, and each leaves an entry lingering in the router.
        await node.Peers.DialAsync(node.Libp2pAddress, HeldOpen);
        bool refused = false;
        for (int attempt = 0; attempt < 3 * Entries && !refused; attempt++)
        {
            var passing = await node.Peers.StartAsync();
            try
            {
                await node.Peers.DialFromAsync(passing, node.Libp2pAddress);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                refused = true; // the node's gate refused it (and reset it): see below for why
            }
            await node.Peers.DisposeHostAsync(node.Peers.Hosts.Count - 1);
        }
        Assert.True(refused, $"no attempt was refused after {3 * Entries} passing peers: {await StatusTextAsync(node)}");
        var full = await StatusAsync(node);
        long refusals = RouterRefusals(full);
        Assert.True(refusals >= 1, $"refused, but not for router entries: {full.ToJsonString()}");
        int connections = full["counts"]!["connections"]!.GetValue<int>();
        Assert.True(connections < full["counts"]!["hardCap"]!.GetValue<int>(), $"the router entries, not the hard cap, refused it: {full.ToJsonString()}");

        var shown = (await ConnctlProcess.RunAsync(["status", "--node", node.Url])).Expect(0);
        Assert.Matches(@"router entries \d+ of 24", shown.Stdout);

        // The node's own dial (to a new friend) is refused for router entries too, not started.
        var friend = await node.Peers.StartAsync();
        (await node.Api.PostAsync("/api/friends", new { address = LivePeers.AddressOf(friend) })).Expect(System.Net.HttpStatusCode.Created);
        await UntilAsync(node, async () => RouterRefusals(await StatusAsync(node)) > refusals, "the node's dial to its friend refused for router entries");
        Assert.Equal(0, await OutboundToAsync(node, friend.PeerId.ToString()));

        // Once the ends stop lingering, the friend's reconnection goes through, and a new peer connects.
        await UntilAsync(node, async () => await OutboundToAsync(node, friend.PeerId.ToString()) == 1, "the friend dialled once the entries stopped lingering");
        await node.Peers.DialFromAsync(await node.Peers.StartAsync(), node.Libp2pAddress);
        await UntilAsync(node, async () => (await CountsAsync(node))["inbound"]!.GetValue<int>() == HeldOpen + 1, "the new peer connected");
        var after = await CountsAsync(node);
        Assert.True(after["routerEntries"]!.GetValue<int>() <= Entries, after.ToJsonString());
    }

    [Fact]
    public async Task With_reset_on_close_the_ends_of_passing_peers_linger_only_for_the_reset_linger()
    {
        await using var node = await StartedNode.StartAsync($$"""
            connactors.limits { router-entries = {{Entries}}, hard-cap = {{ConfiguredHardCap}} }
            connactors.limits { router-entry-linger = {{(int)Linger.TotalSeconds}}s, router-reset-linger = 3s }
            """);
        await node.Peers.DialAsync(node.Libp2pAddress, HeldOpen);
        const int Passing = 8;
        for (int i = 0; i < Passing; i++)
        {
            await node.Peers.DialFromAsync(await node.Peers.StartAsync(), node.Libp2pAddress);
            await UntilAsync(node, async () => (await CountsAsync(node))["inbound"]!.GetValue<int>() == HeldOpen + 1, $"passing peer {i} connected");
            await node.Peers.DisposeHostAsync(node.Peers.Hosts.Count - 1);
        }
        await UntilAsync(node, async () => (await CountsAsync(node))["inbound"]!.GetValue<int>() == HeldOpen, "the passing peers left");
        var afterLeaving = await CountsAsync(node);
        Assert.True(afterLeaving["routerEntries"]!.GetValue<int>() > HeldOpen, $"the ends did not linger at all: {afterLeaving.ToJsonString()}");
        // Well before router-entry-linger (40 s) the reset ends are gone: only the open connections hold entries.
        var started = DateTime.UtcNow;
        await UntilAsync(node, async () => (await CountsAsync(node))["routerEntries"]!.GetValue<int>() == HeldOpen, "the reset ends stopped lingering");
        Assert.True(DateTime.UtcNow - started < Linger / 2, $"the ends lingered {(DateTime.UtcNow - started).TotalSeconds:F1} s, as FIN ends do");
        Assert.Equal(0, RouterRefusals(await StatusAsync(node)));
    }

    private static long RouterRefusals(JsonNode status) => status["refusalsByReason"]?["RouterEntriesFull"]?.GetValue<long>() ?? 0;

    private static Task<JsonNode> StatusAsync(StartedNode node) => node.Api.GetOkAsync("/api/status");

    private static async Task<string> StatusTextAsync(StartedNode node) => (await StatusAsync(node)).ToJsonString();

    private static async Task<JsonNode> CountsAsync(StartedNode node) => (await StatusAsync(node))["counts"]!;

    private static async Task<int> OutboundToAsync(StartedNode node, string peerId)
    {
        var peers = (await StatusAsync(node))["peers"]!.AsArray();
        return peers.FirstOrDefault(p => p!["peerId"]!.GetValue<string>() == peerId)?["outbound"]?.GetValue<int>() ?? 0;
    }

    private static async Task UntilAsync(StartedNode node, Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within {Wait.TotalSeconds} s: {what}; status {await StatusTextAsync(node)}");
            await Task.Delay(250);
        }
    }
}
