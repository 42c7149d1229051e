using System.Net;
using System.Text.Json.Nodes;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// A node under test with tight limits (high water 2, a 3 s grace period) and a story that makes it do everything an
/// operator watches, deterministically, with real peers: a protected libp2p host connects (admitted), a second node
/// that has it as a friend connects and pushes it to high water, so the one unprotected peer, that node, is trimmed
/// with a bye it understands; a penalized host's dial is refused.
/// </summary>
internal sealed class PressuredNode : IAsyncDisposable
{
    public const string Override = """
        connactors.limits { hard-cap = 8, high-water = 2, low-water = 1, outbound-reserve = 0, friend-reserve = 0 }
        connactors.regulation.grace-period = 3s
        """;

    // The grace period lets the trimmed node's connection open and finish identify before it becomes a
    // candidate, so that it is closed with a bye: a connection chosen before it opened is aborted without one.
    private static readonly TimeSpan StoryTimeout = TimeSpan.FromSeconds(60);

    private readonly StartedNode _node;
    private readonly List<IDisposable> _friendNode = [];

    private PressuredNode(StartedNode node) => _node = node;

    public NodeProcess Process => _node.Process;

    public ManagementApi Api => _node.Api;

    public static async Task<PressuredNode> StartAsync() => new(await StartedNode.StartAsync(Override));

    /// <summary>The story; returns the peer ids of the protected host, the trimmed node and the refused host.</summary>
    public async Task<(string Kept, string Trimmed, string Refused)> RunStoryAsync()
    {
        var peers = _node.Peers;
        var kept = await peers.StartAsync();
        (await Api.PostAsync($"/api/peers/{kept.PeerId}/protect", new { tag = "test" })).Expect(HttpStatusCode.OK);
        await peers.DialFromAsync(kept, _node.Libp2pAddress);
        await WaitForAsync(s => s["counts"]!["connections"]!.GetValue<int>() == 1, "the protected host connected");

        var friendDirectories = new NodeDirectories($"connactors.friends = [\"{_node.Libp2pAddress}\"]\n");
        _friendNode.Add(friendDirectories);
        var (friend, friendUri) = await NodeProcess.StartServingAsync(friendDirectories);
        _friendNode.Add(friend);
        using var friendApi = new ManagementApi(friendUri);
        string trimmed = (await friendApi.GetOkAsync("/api/status"))["peerId"]!.GetValue<string>();
        await WaitForAsync(s => s["trimsByReason"]!.AsObject().Count > 0 && s["counts"]!["connections"]!.GetValue<int>() == 1, "the friend node connected and was trimmed");

        var refused = await peers.StartAsync();
        (await Api.PostAsync($"/api/peers/{refused.PeerId}/penalty", new { amount = 500 })).Expect(HttpStatusCode.OK);
        await Assert.ThrowsAnyAsync<Exception>(() => peers.DialFromAsync(refused, _node.Libp2pAddress));
        await WaitForAsync(s => s["refusalsByReason"]!.AsObject().Count > 0, "the penalized host was refused");
        return (kept.PeerId.ToString(), trimmed, refused.PeerId.ToString());
    }

    /// <summary>Waits until the status satisfies <paramref name="condition"/>.</summary>
    public async Task<JsonNode> WaitForAsync(Func<JsonNode, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + StoryTimeout;
        JsonNode status;
        do
        {
            status = await Api.GetOkAsync("/api/status");
            if (condition(status)) return status;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"not seen within {StoryTimeout.TotalSeconds}s: {what}; status {status.ToJsonString()}\n{Process.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_friendNode)) disposable.Dispose();
        await _node.DisposeAsync();
    }
}
