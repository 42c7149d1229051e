namespace ConnActors.Node.Http;

/// <summary><c>GET /api/peers/{peerId}</c>: one peer as the manager sees it (404 when it tracks nothing of it).</summary>
internal static class PeerViewEndpoints
{
    public static void MapPeerViewEndpoints(this IEndpointRouteBuilder api, ManagerClient manager)
    {
        api.MapGet("/peers/{peerId}", async (string peerId, CancellationToken cancel) =>
        {
            var (peer, peerError) = PeerInput.PeerId("peerId", peerId);
            if (peer is null) return peerError!;
            var (status, error) = await manager.StatusAsync(cancel);
            if (status is null) return error!;
            string id = peer.ToString();
            return status.Peers.FirstOrDefault(p => p.PeerId == id) is { } found
                ? Results.Ok(found)
                : ApiError.Status(StatusCodes.Status404NotFound, $"peer {id} is not connected, a friend, protected or penalized");
        });
    }
}
