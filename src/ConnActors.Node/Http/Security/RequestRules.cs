using System.Net;

namespace ConnActors.Node.Http.Security;

/// <summary>
/// The rules every request to the management API passes, in this order (docs/http-api.md, "Security"):
/// <list type="number">
/// <item>its <c>Host</c> names the served address, an allowed host or a loopback name, else 421 (DNS rebinding);</item>
/// <item>an <c>Origin</c>, when sent, is the API's own, else 403 (cross-site requests from a page the operator visits);</item>
/// <item>a mutating request, and any request when the API is bound to a non-loopback address, carries
/// <c>Authorization: Bearer &lt;token&gt;</c>, else 401;</item>
/// <item>a mutating request declares <c>Content-Type: application/json</c>, else 415 (form posts and
/// <c>text/plain</c> "simple requests" that a browser sends cross-site without asking).</item>
/// </list>
/// Static dashboard files (the same for every node, no data in them) are exempt from the token only.
/// </summary>
internal sealed class RequestRules(ApiToken token, bool requireTokenForReads, IReadOnlyCollection<string> allowedHosts)
{
    /// <summary>The request as the rules see it.</summary>
    public readonly record struct Request(string Method, string? Host, string? Origin, string? Authorization, string? ContentType, IPAddress? LocalAddress, int LocalPort, bool IsStaticFile);

    /// <summary>Why a request is refused, or null when it may go on.</summary>
    public Refusal? Check(Request request)
    {
        if (!TryParseHost(request.Host, out string host) || !IsServedHost(host, request.LocalAddress))
            return new Refusal(StatusCodes.Status421MisdirectedRequest, $"Host '{request.Host}' is not this API's address; add it to connactors.http.allowed-hosts if it should be");
        if (request.Origin is { } origin && !IsOwnOrigin(origin, request.LocalAddress, request.LocalPort))
            return new Refusal(StatusCodes.Status403Forbidden, $"cross-origin requests are refused (Origin '{origin}')");
        bool mutating = IsMutating(request.Method);
        if ((mutating || (requireTokenForReads && !request.IsStaticFile)) && !HasToken(request.Authorization))
        {
            string why = mutating ? "this request changes the node" : "the API is bound to a non-loopback address";
            return new Refusal(StatusCodes.Status401Unauthorized,
                $"{why}: send 'Authorization: Bearer <token>' with the token from the node's data directory ({ApiToken.FileName})");
        }
        if (mutating && !IsJson(request.ContentType))
            return new Refusal(StatusCodes.Status415UnsupportedMediaType, "requests that change the node must be 'Content-Type: application/json'");
        return null;
    }

    public static bool IsMutating(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    private bool HasToken(string? authorization)
    {
        const string scheme = "Bearer ";
        return authorization is not null
            && authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && token.Matches(authorization.AsSpan(scheme.Length).Trim());
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private bool IsOwnOrigin(string origin, IPAddress? localAddress, int port) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttp
        && uri.Port == port
        && uri.AbsolutePath == "/"
        && IsServedHost(uri.Host, localAddress);

    private bool IsServedHost(string host, IPAddress? localAddress)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            return IPAddress.IsLoopback(address) || (localAddress is not null && Same(address, localAddress));
        return allowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
    }

    private static bool Same(IPAddress a, IPAddress b) =>
        (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);

    // The name only: a rebinding page uses the API's own port, and a proxy in front may present another.
    private static bool TryParseHost(string? header, out string host)
    {
        host = string.IsNullOrWhiteSpace(header) ? "" : HostString.FromUriComponent(header).Host;
        return host.Length > 0;
    }
}

/// <summary>A refused request: the status code and the reason given in the error body.</summary>
internal sealed record Refusal(int StatusCode, string Reason);
