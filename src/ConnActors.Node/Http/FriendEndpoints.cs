using ConnActors.Actors.Manager;

namespace ConnActors.Node.Http;

/// <summary><c>POST /api/friends</c> and <c>DELETE /api/friends/{peerId}</c>: answered once the change is persisted.</summary>
internal static class FriendEndpoints
{
    public static void MapFriendEndpoints(this IEndpointRouteBuilder api, ManagerClient manager)
    {
        api.MapPost("/friends", async (HttpRequest request, CancellationToken cancel) =>
        {
            var (body, bodyError) = await RequestBody.ReadAsync(request, cancel);
            if (body is null) return bodyError!;
            var (text, textError) = body.RequiredString("address");
            if (text is null) return textError!;
            var (address, addressError) = PeerInput.FriendAddress("address", text);
            if (address is null) return addressError!;
            string peer = address.PeerId!.ToString();
            return await manager.CommandAsync(new AddFriend(address), ack =>
                Results.Created($"/api/friends/{peer}", new FriendAdded(peer, address.ToString(), ack.What)), cancel);
        });
        api.MapDelete("/friends/{peerId}", async (string peerId, CancellationToken cancel) =>
        {
            var (peer, error) = PeerInput.PeerId("peerId", peerId);
            if (peer is null) return error!;
            return await manager.CommandAsync(new RemoveFriend(peer), CommandResult.Ok, cancel);
        });
    }

    private sealed record FriendAdded(string PeerId, string Address, string Result);
}
