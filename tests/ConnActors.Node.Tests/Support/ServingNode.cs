namespace ConnActors.Node.Tests.Support;

/// <summary>One node process serving its management API, shared by the tests of a class (they use distinct peers).</summary>
public sealed class ServingNode : IAsyncLifetime
{
    private readonly NodeDirectories _directories = new();
    private NodeProcess? _node;
    private ManagementApi? _api;

    internal ManagementApi Api => _api ?? throw new InvalidOperationException("the node is not started");

    internal NodeProcess Process => _node ?? throw new InvalidOperationException("the node is not started");

    internal NodeDirectories Directories => _directories;

    /// <summary>The API token the node wrote into its data directory.</summary>
    internal string Token => _directories.Token;

    public async Task InitializeAsync()
    {
        var (node, api) = await NodeProcess.StartServingAsync(_directories);
        _node = node;
        _api = new ManagementApi(api, _directories.Token);
    }

    public Task DisposeAsync()
    {
        _api?.Dispose();
        _node?.Dispose();
        _directories.Dispose();
        return Task.CompletedTask;
    }
}
