using ConnActors.Actors.Manager;

namespace ConnActors.Node.Http;

/// <summary><c>POST /api/trim</c>: runs a regulation round now.</summary>
internal static class RegulationEndpoints
{
    public static void MapRegulationEndpoints(this IEndpointRouteBuilder api, ManagerClient manager) =>
        api.MapPost("/trim", (CancellationToken cancel) => manager.CommandAsync(TrimNow.Instance, CommandResult.Ok, cancel));
}
