using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;

namespace ConnActors.Node.Http;

/// <summary><c>GET /api/subsystems/{name}/peers</c>: the peers a subsystem holds, least useful to it first.</summary>
internal static class SubsystemEndpoints
{
    public static void MapSubsystemEndpoints(this IEndpointRouteBuilder api, ManagerClient manager)
    {
        api.MapGet("/subsystems/{name}/peers", async (string name, CancellationToken cancel) =>
        {
            var (subsystem, error) = await manager.AskAsync<SubsystemRef>(new GetSubsystem(name), cancel);
            if (error is not null) return error;
            if (subsystem!.Supervisor is not { } supervisor)
                return ApiError.Status(StatusCodes.Status404NotFound, $"no subsystem '{name}' is enrolled; see connactors.quotas");
            var (peers, peersError) = await manager.AskAsync<SubsystemPeers>(GetSubsystemPeers.Instance, cancel, supervisor);
            return peersError ?? Results.Ok(new SubsystemPeerList(name,
                peers!.Peers.Select(p => new SubsystemPeerEntry(p.Peer.ToString(), Math.Round(p.Usefulness, 3))).ToList()));
        });
    }

    private sealed record SubsystemPeerList(string Name, IReadOnlyList<SubsystemPeerEntry> Peers);

    private sealed record SubsystemPeerEntry(string PeerId, double Usefulness);
}
