using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Security;

/// <summary>
/// The management API's rules against an attacker's requests, one test per rule, with real HTTP requests to a node
/// process on loopback: the attacks of issue 11 (a cross-site text/plain friend, a form-posted trim, a rebound
/// Host) are refused and change nothing; the well-behaved client still works.
/// </summary>
public sealed class ApiSecurityTests(ServingNode node) : IClassFixture<ServingNode>
{
    private ManagementApi Api => node.Api;

    private Uri Base => Api.BaseAddress;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Token_file_is_written_owner_only_and_its_path_logged()
    {
        var mode = File.GetUnixFileMode(node.Directories.TokenFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.True(node.Token.Length >= 32, $"token of {node.Token.Length} characters");
        await node.Process.WaitForStdoutAsync(new(@"http management API token written to " + RegexPath(node.Directories.TokenFile) + @" \(mode 0600\)"), NodeProcess.StartTimeout);
    }

    [Fact]
    public async Task Change_without_the_token_is_401_and_changes_nothing()
    {
        var (peer, address) = TestPeers.UnreachableFriend();

        var answer = await Api.SendRawAsync(Json(HttpMethod.Post, "/api/friends", $"{{\"address\":\"{address}\"}}"));

        answer.Expect(HttpStatusCode.Unauthorized);
        Assert.Contains("Authorization: Bearer", answer.Json?["error"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(await IsListedAsync(peer));
    }

    [Fact]
    public async Task Change_with_a_wrong_token_is_401()
    {
        string peer = TestPeers.NewPeerId();
        var request = Json(HttpMethod.Post, $"/api/peers/{peer}/penalty", "{\"amount\":5}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('A', node.Token.Length));

        (await Api.SendRawAsync(request)).Expect(HttpStatusCode.Unauthorized);
        Assert.False(await IsListedAsync(peer));
    }

    [Fact]
    public async Task Reads_on_loopback_need_no_token()
    {
        var answer = await Api.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/api/status"));

        answer.Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Cross_site_text_plain_friend_is_refused_and_not_persisted()
    {
        // The attack of issue 11: a page on evil.example posts a "simple request" that needs no preflight.
        var (peer, address) = TestPeers.UnreachableFriend();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/friends") { Content = new StringContent($"{{\"address\":\"{address}\"}}", Encoding.UTF8, "text/plain") };
        request.Headers.Add("Origin", "http://evil.example");

        (await Api.SendRawAsync(request)).Expect(HttpStatusCode.Forbidden);
        Assert.False(await IsListedAsync(peer));
    }

    [Fact]
    public async Task Change_that_is_not_json_is_415_even_with_the_token()
    {
        var (peer, address) = TestPeers.UnreachableFriend();
        var textPlain = Authorized(new HttpRequestMessage(HttpMethod.Post, "/api/friends") { Content = new StringContent($"{{\"address\":\"{address}\"}}", Encoding.UTF8, "text/plain") });
        var formTrim = Authorized(new HttpRequestMessage(HttpMethod.Post, "/api/trim") { Content = new FormUrlEncodedContent([new("x", "y")]) });
        var bareDelete = Authorized(new HttpRequestMessage(HttpMethod.Delete, $"/api/friends/{peer}"));

        (await Api.SendRawAsync(textPlain)).Expect(HttpStatusCode.UnsupportedMediaType);
        (await Api.SendRawAsync(formTrim)).Expect(HttpStatusCode.UnsupportedMediaType);
        (await Api.SendRawAsync(bareDelete)).Expect(HttpStatusCode.UnsupportedMediaType);
        Assert.False(await IsListedAsync(peer));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_over_64_KiB_is_413_chunked_or_not_and_changes_nothing(bool chunked)
    {
        // Before, only Content-Length was checked: a chunked body went through to Kestrel's 30 MB default.
        var (peer, address) = TestPeers.UnreachableFriend();
        var request = Authorized(Json(HttpMethod.Post, "/api/friends", $"{{\"address\":\"{address}\",\"pad\":\"{new string('a', 100_000)}\"}}"));
        request.Headers.TransferEncodingChunked = chunked;

        var answer = await Api.SendRawAsync(request);

        answer.Expect(HttpStatusCode.RequestEntityTooLarge);
        Assert.False(await IsListedAsync(peer));
        (await Api.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/api/status"))).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_client_that_trickles_its_headers_is_cut_off()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(Base.Host, Base.Port).WaitAsync(TimeSpan.FromSeconds(10));
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"));

        // The headers never end: the server answers 408 (or just closes) once its header timeout (10 s) has passed.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var answer = await RawConnection.ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(40), "a connection with unfinished headers");
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(5), $"closed after {started.Elapsed.TotalSeconds:0.0} s, before the header timeout");
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("http://localhost:1")] // another local web app, on another port
    [InlineData("https://127.0.0.1")]
    [InlineData("null")] // sandboxed frames, file:// pages
    public async Task Foreign_origin_is_403_even_with_the_token(string origin)
    {
        string peer = TestPeers.NewPeerId();
        var change = Authorized(Json(HttpMethod.Post, $"/api/peers/{peer}/protect", "{\"tag\":\"evil\"}"));
        change.Headers.Add("Origin", origin);
        var read = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        read.Headers.Add("Origin", origin);

        (await Api.SendRawAsync(change)).Expect(HttpStatusCode.Forbidden);
        (await Api.SendRawAsync(read)).Expect(HttpStatusCode.Forbidden);
        Assert.False(await IsListedAsync(peer));
    }

    [Fact]
    public async Task Own_origin_with_the_token_is_served()
    {
        string peer = TestPeers.NewPeerId();
        foreach (string origin in new[] { $"http://127.0.0.1:{Base.Port}", $"http://localhost:{Base.Port}" })
        {
            var change = Authorized(Json(HttpMethod.Post, $"/api/peers/{peer}/protect", "{\"tag\":\"dashboard\"}"));
            change.Headers.Add("Origin", origin);
            (await Api.SendRawAsync(change)).Expect(HttpStatusCode.OK);
        }
        Assert.True(await IsListedAsync(peer));
    }

    [Theory]
    [InlineData("evil.example")] // DNS rebinding: evil.example now resolves to 127.0.0.1
    [InlineData("evil.example:{port}")]
    [InlineData("127.0.0.1.evil.example:{port}")]
    [InlineData("192.0.2.1:{port}")] // an address this API is not served at
    public async Task Foreign_host_is_421_for_reads_and_changes(string host)
    {
        host = host.Replace("{port}", Base.Port.ToString(), StringComparison.Ordinal);
        var read = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        read.Headers.Host = host;
        string peer = TestPeers.NewPeerId();
        var change = Authorized(Json(HttpMethod.Post, $"/api/peers/{peer}/penalty", "{\"amount\":5}"));
        change.Headers.Host = host;

        (await Api.SendRawAsync(read)).Expect(HttpStatusCode.MisdirectedRequest);
        (await Api.SendRawAsync(change)).Expect(HttpStatusCode.MisdirectedRequest);
        Assert.False(await IsListedAsync(peer));
    }

    [Theory]
    [InlineData("localhost:{port}")]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("127.0.0.1")]
    public async Task Loopback_host_is_served(string host)
    {
        var read = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        read.Headers.Host = host.Replace("{port}", Base.Port.ToString(), StringComparison.Ordinal);

        (await Api.SendRawAsync(read)).Expect(HttpStatusCode.OK);
    }

    private HttpRequestMessage Authorized(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", node.Token);
        return request;
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string body) =>
        new(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private async Task<bool> IsListedAsync(string peer) =>
        (await Api.GetOkAsync("/api/peers")).AsArray().Any(p => p?["peerId"]?.GetValue<string>() == peer);

    private static string RegexPath(string path) => System.Text.RegularExpressions.Regex.Escape(path);
}
