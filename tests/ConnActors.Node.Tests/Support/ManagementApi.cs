using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// The node's HTTP management API as the tests call it, the way a well-behaved client does (the token on every
/// request when one is given, JSON bodies on every change): JSON in, status code and JSON out.
/// </summary>
internal sealed class ManagementApi(Uri baseAddress, string? token = null) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public Uri BaseAddress => baseAddress;

    public Task<ApiAnswer> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<ApiAnswer> PostAsync(string path, object? body = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? EmptyJson() : JsonContent.Create(body) });

    public Task<ApiAnswer> PostRawAsync(string path, string body) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });

    /// <summary>A POST of <paramref name="body"/> byte for byte, declared as JSON.</summary>
    public Task<ApiAnswer> PostBytesAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content });
    }

    public Task<ApiAnswer> DeleteAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Delete, path) { Content = EmptyJson() });

    /// <summary>GET <paramref name="path"/>, which must answer 200.</summary>
    public async Task<JsonNode> GetOkAsync(string path)
    {
        var answer = await GetAsync(path);
        answer.Expect(HttpStatusCode.OK);
        return answer.Json!;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Sends <paramref name="request"/> as it is: no token, no content type added.</summary>
    public async Task<ApiAnswer> SendRawAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            return new ApiAnswer(request.Method + " " + request.RequestUri, response.StatusCode, ParseJson(text), response.Headers.Location);
        }
    }

    private static StringContent EmptyJson() => new("", System.Text.Encoding.UTF8, "application/json");

    private static JsonNode? ParseJson(string text)
    {
        if (text.Length == 0) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private async Task<ApiAnswer> SendAsync(HttpRequestMessage request)
    {
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using (request)
        {
            using var response = await _http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            return new ApiAnswer(request.Method + " " + request.RequestUri, response.StatusCode, ParseJson(text), response.Headers.Location);
        }
    }
}

/// <summary>One answer of the API.</summary>
internal sealed record ApiAnswer(string Request, HttpStatusCode Status, JsonNode? Json, Uri? Location)
{
    public void Expect(HttpStatusCode status) =>
        Assert.True(Status == status, $"{Request}: expected {(int)status} {status}, got {(int)Status} {Status}: {Json?.ToJsonString()}");

    /// <summary>The <c>error</c> of a 400 answer.</summary>
    public string BadRequestError()
    {
        Expect(HttpStatusCode.BadRequest);
        return Json?["error"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"{Request}: a 400 without an error field: {Json?.ToJsonString()}");
    }
}
