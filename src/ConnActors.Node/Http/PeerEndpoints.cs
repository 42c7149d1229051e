using ConnActors.Actors.Manager;
using Microsoft.AspNetCore.Http.Features;

namespace ConnActors.Node.Http;

/// <summary>
/// <c>POST /api/peers/{peerId}/protect</c>, <c>DELETE /api/peers/{peerId}/protect/{tag}</c> and
/// <c>POST /api/peers/{peerId}/penalty</c>: answered once the change is persisted.
/// </summary>
internal static class PeerEndpoints
{
    public static void MapPeerEndpoints(this IEndpointRouteBuilder api, ManagerClient manager)
    {
        api.MapPost("/peers/{peerId}/protect", async (string peerId, HttpRequest request, CancellationToken cancel) =>
        {
            var (peer, peerError) = PeerInput.PeerId("peerId", peerId);
            if (peer is null) return peerError!;
            var (body, bodyError) = await RequestBody.ReadAsync(request, cancel);
            if (body is null) return bodyError!;
            var (tag, tagError) = body.RequiredString("tag");
            if (tag is null) return tagError!;
            if (PeerInput.Tag("tag", tag) is { } tooLong) return tooLong;
            return await manager.CommandAsync(new ProtectPeer(peer, tag), CommandResult.Ok, cancel);
        });
        api.MapDelete("/peers/{peerId}/protect/{tag}", async (string peerId, string tag, HttpContext context, CancellationToken cancel) =>
        {
            var (peer, peerError) = PeerInput.PeerId("peerId", peerId);
            if (peer is null) return peerError!;
            tag = TagAsSent(context, tag);
            if (PeerInput.Tag("tag", tag) is { } tooLong) return tooLong;
            return await manager.CommandAsync(new UnprotectPeer(peer, tag), CommandResult.Ok, cancel);
        });
        api.MapPost("/peers/{peerId}/penalty", async (string peerId, HttpRequest request, CancellationToken cancel) =>
        {
            var (peer, peerError) = PeerInput.PeerId("peerId", peerId);
            if (peer is null) return peerError!;
            var (body, bodyError) = await RequestBody.ReadAsync(request, cancel);
            if (body is null) return bodyError!;
            var (amount, amountError) = body.RequiredNumber("amount");
            if (amountError is not null) return amountError;
            if (amount <= 0) return ApiError.BadRequest($"'amount' must be a positive number, was {amount}");
            return await manager.CommandAsync(new PenalizePeer(peer, amount), CommandResult.Ok, cancel);
        });
    }

    // Kestrel decodes every escape in a path but %2F, so a tag holding '/' reached the route still escaped and could
    // never be removed; the last segment of the request line as sent is decoded once here. Trimmed, as protect trims it.
    private static string TagAsSent(HttpContext context, string routed)
    {
        string? target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is null) return routed.Trim();
        int query = target.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) target = target[..query];
        string segment = target[(target.LastIndexOf('/') + 1)..];
        return segment.Length == 0 ? routed.Trim() : Uri.UnescapeDataString(segment).Trim();
    }
}
