namespace ConnActors.Node.Http;

/// <summary><c>GET /api/status</c>, <c>GET /api/peers</c>, <c>GET /api/health</c>.</summary>
internal static class StatusEndpoints
{
    public static void MapStatusEndpoints(this IEndpointRouteBuilder api, ManagerClient manager)
    {
        api.MapGet("/status", async (CancellationToken cancel) =>
        {
            var (status, error) = await manager.StatusAsync(cancel);
            return error ?? Results.Ok(status);
        });
        api.MapGet("/peers", async (CancellationToken cancel) =>
        {
            var (status, error) = await manager.StatusAsync(cancel);
            return error ?? Results.Ok(status!.Peers);
        });
        // Healthy means the manager answers; anything else is 503 with the reason.
        api.MapGet("/health", async (CancellationToken cancel) =>
        {
            var (status, error) = await manager.StatusAsync(cancel);
            return status is null
                ? ApiError.Status(StatusCodes.Status503ServiceUnavailable, "the connection manager does not answer")
                : Results.Ok(new HealthReport("healthy", status.PeerId, status.Counts.Connections));
        });
    }

    private sealed record HealthReport(string Status, string PeerId, int Connections);
}
