namespace ConnActors.Node.Tests.Support;

/// <summary>A node process on loopback over its own directories, with its API client (holding the token) and its libp2p address; real libp2p hosts to connect to it.</summary>
internal sealed class StartedNode : IAsyncDisposable
{
    private StartedNode(NodeDirectories directories, NodeProcess process, ManagementApi api, string libp2pAddress)
    {
        Directories = directories;
        Process = process;
        Api = api;
        Libp2pAddress = libp2pAddress;
    }

    public NodeDirectories Directories { get; }

    public NodeProcess Process { get; }

    public ManagementApi Api { get; }

    public LivePeers Peers { get; } = new();

    /// <summary>Its libp2p listen address with /p2p/&lt;its peer id&gt;.</summary>
    public string Libp2pAddress { get; }

    public string Url => Api.BaseAddress.ToString().TrimEnd('/');

    public string Token => Directories.Token;

    public static async Task<StartedNode> StartAsync(string overrideConf = "")
    {
        var directories = new NodeDirectories(overrideConf);
        try
        {
            var (process, uri) = await NodeProcess.StartServingAsync(directories);
            var api = new ManagementApi(uri, directories.Token);
            var status = await api.GetOkAsync("/api/status");
            return new StartedNode(directories, process, api, $"{status["listenAddresses"]![0]!.GetValue<string>()}/p2p/{status["peerId"]!.GetValue<string>()}");
        }
        catch
        {
            directories.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Peers.DisposeAsync();
        Api.Dispose();
        Process.Dispose();
        Directories.Dispose();
    }
}
