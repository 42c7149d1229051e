namespace ConnActors.Node.Http;

/// <summary>
/// <c>GET /api/cluster</c>, <c>POST /api/cluster/leave</c> and <c>POST /api/cluster/down</c>; each a 404 naming how to
/// join when the node is not a member of a cluster.
/// </summary>
internal static class ClusterEndpoints
{
    public const string NotClustered = "this node is not a member of a cluster (start it with --cluster-port, or set connactors.cluster.enabled = on; docs/cluster.md)";

    public static void MapClusterEndpoints(this IEndpointRouteBuilder api, FleetClient? fleet)
    {
        if (fleet is null)
        {
            api.Map("/cluster", () => ApiError.Status(StatusCodes.Status404NotFound, NotClustered));
            api.Map("/cluster/{**rest}", () => ApiError.Status(StatusCodes.Status404NotFound, NotClustered));
            return;
        }
        api.MapGet("/cluster", async (CancellationToken cancel) =>
        {
            var (status, error) = await fleet.StatusAsync(cancel);
            return error ?? Results.Ok(status);
        });
        api.MapPost("/cluster/leave", () =>
        {
            fleet.Leave();
            return Results.Accepted(value: new CommandResult($"{fleet.SelfAddress} is leaving the cluster; the node stops once the others have seen it leave"));
        });
        api.MapPost("/cluster/down", async (HttpRequest request, CancellationToken cancel) =>
        {
            var (body, bodyError) = await RequestBody.ReadAsync(request, cancel);
            if (body is null) return bodyError!;
            var (address, addressError) = body.RequiredString("address");
            if (address is null) return addressError!;
            var (downed, error) = fleet.Down("address", address);
            return error ?? Results.Ok(new CommandResult($"{downed} marked down"));
        });
    }
}
