using System.Net;
using System.Text.Json.Nodes;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// A node under test with tight limits (high water 2, no grace period) and a story that makes it do everything an
/// operator watches, deterministically, with real peers: a protected libp2p host connects (admitted), a second node
/// that has it as a friend connects and pushes it to high water, so the one unprotected peer, that node, is trimmed
/// with a bye it understands; a penalized host's dial is refused.
/// </summary>
internal sealed class PressuredNode : IAsyncDisposable
{
    public const string Override = """
        connactors.limits { hard-cap = 8, high-water = 2, low-water = 1, outbound-reserve = 0, friend-reserve = 0 }
        connactors.regulation.grace-period = 0s
        """;

    private static readonly TimeSpan StoryTimeout = TimeSpan.FromSeconds(60);

    private readonly NodeDirectories _directories;
    private readonly List<IDisposable> _disposables = [];
    private readonly LivePeers _peers = new();

    private PressuredNode(NodeDirectories directories, NodeProcess process, ManagementApi api, string libp2pAddress)
    {
        _directories = directories;
        Process = process;
        Api = api;
        Libp2pAddress = libp2pAddress;
    }

    public NodeProcess Process { get; }

    public ManagementApi Api { get; }

    public string Libp2pAddress { get; }

    public string Token => _directories.Token;

    public NodeDirectories Directories => _directories;

    public static async Task<PressuredNode> StartAsync()
    {
        var directories = new NodeDirectories(Override);
        var (process, uri) = await NodeProcess.StartServingAsync(directories);
        var api = new ManagementApi(uri, directories.Token);
        var status = await api.GetOkAsync("/api/status");
        string address = $"{status["listenAddresses"]![0]!.GetValue<string>()}/p2p/{status["peerId"]!.GetValue<string>()}";
        return new PressuredNode(directories, process, api, address);
    }

    /// <summary>The story; returns the peer ids of the protected host, the trimmed node and the refused host.</summary>
    public async Task<(string Kept, string Trimmed, string Refused)> RunStoryAsync()
    {
        var kept = await _peers.StartAsync();
        (await Api.PostAsync($"/api/peers/{kept.PeerId}/protect", new { tag = "test" })).Expect(HttpStatusCode.OK);
        await _peers.DialFromAsync(kept, Libp2pAddress);
        await WaitForAsync(s => s["counts"]!["connections"]!.GetValue<int>() == 1, "the protected host connected");

        var friendDirectories = new NodeDirectories($"connactors.friends = [\"{Libp2pAddress}\"]\n");
        _disposables.Add(friendDirectories);
        var (friend, friendUri) = await NodeProcess.StartServingAsync(friendDirectories);
        _disposables.Add(friend);
        using var friendApi = new ManagementApi(friendUri);
        string trimmed = (await friendApi.GetOkAsync("/api/status"))["peerId"]!.GetValue<string>();
        await WaitForAsync(s => s["trimsByReason"]!.AsObject().Count > 0 && s["counts"]!["connections"]!.GetValue<int>() == 1, "the friend node connected and was trimmed");

        var refused = await _peers.StartAsync();
        (await Api.PostAsync($"/api/peers/{refused.PeerId}/penalty", new { amount = 500 })).Expect(HttpStatusCode.OK);
        await Assert.ThrowsAnyAsync<Exception>(() => _peers.DialFromAsync(refused, Libp2pAddress));
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
        await _peers.DisposeAsync();
        Api.Dispose();
        Process.Dispose();
        foreach (var disposable in Enumerable.Reverse(_disposables)) disposable.Dispose();
        _directories.Dispose();
    }
}
