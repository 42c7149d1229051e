using ConnActors.Actors.Manager;

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
        api.MapDelete("/peers/{peerId}/protect/{tag}", async (string peerId, string tag, CancellationToken cancel) =>
        {
            var (peer, peerError) = PeerInput.PeerId("peerId", peerId);
            if (peer is null) return peerError!;
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
}
