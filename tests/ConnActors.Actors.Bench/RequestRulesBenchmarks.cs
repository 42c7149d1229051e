using System.Net;
using BenchmarkDotNet.Attributes;
using ConnActors.Node.Http.Security;

namespace ConnActors.Actors.Bench;

/// <summary>
/// What the management API's request rules (Host, Origin, token, content type) cost per request, apart from
/// everything else a request does: the typical read on loopback, a read off loopback with the token, and a change
/// from the dashboard (own Origin, token, JSON).
/// </summary>
[MemoryDiagnoser]
public class RequestRulesBenchmarks
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rules-bench-").FullName;
    private RequestRules _loopback = null!;
    private RequestRules _offLoopback = null!;
    private RequestRules.Request _read;
    private RequestRules.Request _readWithToken;
    private RequestRules.Request _change;

    [GlobalSetup]
    public void Setup()
    {
        var token = ApiToken.LoadOrCreate(_directory);
        _loopback = new RequestRules(token, requireTokenForReads: false, []);
        _offLoopback = new RequestRules(token, requireTokenForReads: true, ["node1.example"]);
        _read = new RequestRules.Request("GET", "127.0.0.1:5080", null, null, null, IPAddress.Loopback, 5080, IsStaticFile: false);
        _readWithToken = _read with { Host = "node1.example:5080", Authorization = "Bearer " + token.Value };
        _change = new RequestRules.Request("POST", "127.0.0.1:5080", "http://127.0.0.1:5080", "Bearer " + token.Value, "application/json; charset=utf-8", IPAddress.Loopback, 5080, IsStaticFile: false);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public bool ReadOnLoopback() => _loopback.Check(_read) is null;

    [Benchmark]
    public bool ReadOffLoopbackWithToken() => _offLoopback.Check(_readWithToken) is null;

    [Benchmark]
    public bool ChangeFromTheDashboard() => _loopback.Check(_change) is null;
}
