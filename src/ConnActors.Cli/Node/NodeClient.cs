using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ConnActors.Cli.Node;

/// <summary>
/// The node's HTTP management API as connctl uses it: JSON answers, the token on every request when one is known,
/// <c>application/json</c> on every change; errors become <see cref="NodeRefusedException"/> or <see cref="NodeUnreachableException"/>.
/// </summary>
internal sealed class NodeClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;

    public NodeClient(Uri node, string? token)
    {
        Node = node;
        Token = token;
        _http = new HttpClient { BaseAddress = node, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri Node { get; }

    /// <summary>The API token connctl sends, or null when it found none.</summary>
    public string? Token { get; }

    public bool HasToken => Token is not null;

    public Task<JsonNode> GetAsync(string path, CancellationToken cancel) => SendAsync(HttpMethod.Get, path, null, cancel, RequestTimeout);

    /// <summary>A POST; <paramref name="timeout"/> (30 s by default) bounds the wait for the answer, e.g. longer for a DHT lookup.</summary>
    public Task<JsonNode> PostAsync(string path, JsonObject? body, CancellationToken cancel, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Post, path, body ?? [], cancel, timeout ?? RequestTimeout);

    public Task<JsonNode> DeleteAsync(string path, CancellationToken cancel) => SendAsync(HttpMethod.Delete, path, [], cancel, RequestTimeout);

    /// <summary>Opens a server-sent event stream; the caller reads it until it ends or is cancelled.</summary>
    public async Task<Stream> OpenStreamAsync(string path, CancellationToken cancel)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await SendCoreAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel, RequestTimeout);
        if (!response.IsSuccessStatusCode) throw await RefusalAsync(response, cancel);
        return await response.Content.ReadAsStreamAsync(cancel);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancel, TimeSpan timeout)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendCoreAsync(request, HttpCompletionOption.ResponseContentRead, cancel, timeout);
        if (!response.IsSuccessStatusCode) throw await RefusalAsync(response, cancel);
        string text = await response.Content.ReadAsStringAsync(cancel);
        try
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new NodeUnreachableException($"{Node} answered something that is not JSON; is it a ConnActors node? ({e.Message})");
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancel, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            return await _http.SendAsync(request, completion, deadline.Token);
        }
        catch (HttpRequestException e)
        {
            throw new NodeUnreachableException($"cannot reach the node at {Node}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new NodeUnreachableException($"the node at {Node} did not answer within {timeout.TotalSeconds:0}s", e);
        }
    }

    private async Task<NodeRefusedException> RefusalAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        string text = await response.Content.ReadAsStringAsync(cancel);
        string error;
        try
        {
            error = JsonNode.Parse(text)?["error"]?.GetValue<string>() ?? text;
        }
        catch (System.Text.Json.JsonException)
        {
            error = text;
        }
        if ((int)response.StatusCode == 401 && !HasToken)
            error += " (connctl found no token: set CONNACTORS_TOKEN or point --data-dir at the node's data directory)";
        return new NodeRefusedException((int)response.StatusCode, error);
    }
}
