namespace ConnActors.Node.Tests.Support;

/// <summary>
/// Two node processes on loopback running the DHT in server mode, the second bootstrapped from the first (so each
/// has the other in its routing table once the second's self-lookup is answered). Shared by the tests of a class.
/// </summary>
public sealed class DhtNodePair : IAsyncLifetime
{
    private readonly NodeDirectories _firstDirectories = new("connactors.dht.mode = server");
    private NodeDirectories? _secondDirectories;
    private NodeProcess? _firstNode, _secondNode;
    private ManagementApi? _first, _second;

    internal ManagementApi First => _first ?? throw new InvalidOperationException("the nodes are not started");

    internal ManagementApi Second => _second ?? throw new InvalidOperationException("the nodes are not started");

    internal NodeDirectories FirstDirectories => _firstDirectories;

    internal NodeDirectories SecondDirectories => _secondDirectories ?? throw new InvalidOperationException("the nodes are not started");

    internal NodeProcess FirstProcess => _firstNode ?? throw new InvalidOperationException("the nodes are not started");

    public string FirstPeer { get; private set; } = "";

    public string SecondPeer { get; private set; } = "";

    /// <summary>The first node's libp2p address with its /p2p id.</summary>
    public string FirstAddress { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var (node, api) = await NodeProcess.StartServingAsync(_firstDirectories);
        (_firstNode, _first) = (node, new ManagementApi(api, _firstDirectories.Token));
        var status = await _first.GetOkAsync("/api/status");
        FirstPeer = status["peerId"]!.GetValue<string>();
        FirstAddress = $"{status["listenAddresses"]![0]!.GetValue<string>()}/p2p/{FirstPeer}";
        _secondDirectories = new NodeDirectories($"connactors.dht {{ mode = server, bootstrap = [\"{FirstAddress}\"] }}");
        (node, api) = await NodeProcess.StartServingAsync(_secondDirectories);
        (_secondNode, _second) = (node, new ManagementApi(api, _secondDirectories.Token));
        SecondPeer = (await _second.GetOkAsync("/api/status"))["peerId"]!.GetValue<string>();
    }

    /// <summary>A random key: a sha2-256 multihash in hex.</summary>
    public static string RandomKey() => "1220" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public Task DisposeAsync()
    {
        _first?.Dispose();
        _second?.Dispose();
        _firstNode?.Dispose();
        _secondNode?.Dispose();
        _firstDirectories.Dispose();
        _secondDirectories?.Dispose();
        return Task.CompletedTask;
    }
}
