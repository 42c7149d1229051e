using System.Net;
using ConnActors.Node.Http.Security;
using CsCheck;

namespace ConnActors.Node.Tests.Security;

/// <summary>
/// The request rules as properties over generated requests: a change is served only with the exact token and JSON;
/// any Host that is not this API's is 421; any Origin that is not its own is 403; off loopback nothing but the
/// dashboard's files is served without the token; a well-behaved request is always served.
/// </summary>
public sealed class RequestRulesProperties : IDisposable
{
    private const int Port = 5080;
    private static readonly IPAddress Local = IPAddress.Loopback;
    private static readonly Gen<string> Changes = Gen.OneOfConst("POST", "PUT", "PATCH", "DELETE");
    private static readonly Gen<string> Reads = Gen.OneOfConst("GET", "HEAD");
    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"], 1, 20];

    private readonly string _directory = Directory.CreateTempSubdirectory("rules-properties-").FullName;
    private readonly ApiToken _token;
    private readonly RequestRules _loopback;
    private readonly RequestRules _offLoopback;

    public RequestRulesProperties()
    {
        _token = ApiToken.LoadOrCreate(_directory);
        _loopback = new RequestRules(_token, requireTokenForReads: false, ["node1.example"]);
        _offLoopback = new RequestRules(_token, requireTokenForReads: true, ["node1.example"]);
    }

    private string Bearer => "Bearer " + _token.Value;

    [Fact]
    public void A_change_without_the_exact_token_is_401()
    {
        var wrongTokens = Gen.OneOf(
            Gen.Const((string?)null),
            Gen.String.Select(s => (string?)("Bearer " + s)),
            Gen.Int[0, 42].Select(i => (string?)("Bearer " + _token.Value[..i])), // a prefix
            Gen.Int[0, 42].Select(i => (string?)("Bearer " + _token.Value[..i] + (_token.Value[i] == 'A' ? 'B' : 'A') + _token.Value[(i + 1)..])), // one character off
            Gen.Const<string?>("Basic " + _token.Value));
        Gen.Select(Changes, wrongTokens).Sample((method, authorization) =>
        {
            var refusal = _loopback.Check(Request(method) with { Authorization = authorization });
            Assert.Equal(401, refusal?.StatusCode);
        });
    }

    [Fact]
    public void A_change_that_is_not_json_is_415()
    {
        var contentTypes = Gen.OneOf(Gen.Const((string?)null), Gen.OneOfConst<string?>("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "text/json"), Word.Select(w => (string?)$"application/{w}"));
        Gen.Select(Changes, contentTypes).Where((_, type) => type != "application/json").Sample((method, contentType) =>
        {
            var refusal = _loopback.Check(Request(method) with { ContentType = contentType });
            Assert.Equal(415, refusal?.StatusCode);
        });
    }

    [Fact]
    public void A_host_that_is_not_this_api_is_421_whatever_else_the_request_has()
    {
        var foreignHosts = Gen.OneOf(
            Gen.Select(Word, Word).Select((a, b) => $"{a}.{b}"),
            Gen.Select(Gen.Int[1, 126], Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[1, 254]).Select((a, b, c, d) => $"{a}.{b}.{c}.{d}"),
            Word.Select(w => $"127.0.0.1.{w}"));
        Gen.Select(Gen.OneOf(Changes, Reads), foreignHosts, Gen.Bool).Where((_, host, _) => host != "node1.example").Sample((method, host, withPort) =>
        {
            var refusal = _loopback.Check(Request(method) with { Host = withPort ? $"{host}:{Port}" : host });
            Assert.Equal(421, refusal?.StatusCode);
        });
    }

    [Fact]
    public void An_origin_that_is_not_this_api_is_403()
    {
        var foreignOrigins = Gen.OneOf(
            Gen.Select(Word, Word).Select((a, b) => $"http://{a}.{b}"),
            Gen.Int[1, 65535].Where(p => p != Port).Select(p => $"http://127.0.0.1:{p}"),
            Gen.Int[1, 65535].Where(p => p != Port).Select(p => $"http://localhost:{p}"),
            Gen.OneOfConst("null", $"https://127.0.0.1:{Port}", $"file://127.0.0.1:{Port}", ""));
        Gen.Select(Gen.OneOf(Changes, Reads), foreignOrigins).Sample((method, origin) =>
        {
            var refusal = _loopback.Check(Request(method) with { Origin = origin });
            Assert.Equal(403, refusal?.StatusCode);
        });
    }

    [Fact]
    public void Off_loopback_only_the_dashboard_files_are_served_without_the_token()
    {
        Gen.Select(Reads, Gen.Bool).Sample((method, isStaticFile) =>
        {
            var refusal = _offLoopback.Check(Request(method) with { Authorization = null, ContentType = null, IsStaticFile = isStaticFile });
            Assert.Equal(isStaticFile ? null : (int?)401, refusal?.StatusCode);
        });
    }

    [Fact]
    public void A_well_behaved_request_is_always_served()
    {
        var ownHosts = Gen.OneOfConst("127.0.0.1", "localhost", "LOCALHOST", "[::1]", "node1.example", "127.8.9.10");
        var ownOrigins = Gen.OneOfConst<string?>(null, $"http://127.0.0.1:{Port}", $"http://localhost:{Port}", $"http://node1.example:{Port}");
        var jsonTypes = Gen.OneOfConst("application/json", "application/json; charset=utf-8", "Application/JSON");
        Gen.Select(Gen.OneOf(Changes, Reads), ownHosts, ownOrigins, jsonTypes, Gen.Bool).Sample((method, host, origin, contentType, offLoopback) =>
        {
            var request = Request(method) with { Host = $"{host}:{Port}", Origin = origin, ContentType = contentType };
            Assert.Null((offLoopback ? _offLoopback : _loopback).Check(request));
        });
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A request that passes every rule; each property spoils one part of it.
    private RequestRules.Request Request(string method) =>
        new(method, $"127.0.0.1:{Port}", null, Bearer, "application/json", Local, Port, IsStaticFile: false);
}
