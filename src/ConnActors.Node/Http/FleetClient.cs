using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Cluster;

namespace ConnActors.Node.Http;

/// <summary>
/// The cluster as the management API drives it: the fleet as this member's Negotiator sees it (asked, never blocking),
/// and Akka.Cluster's own leave and down for the membership.
/// </summary>
internal sealed class FleetClient(ActorSystem system, IActorRef negotiator, TimeSpan timeout)
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(system);

    public string SelfAddress => _cluster.SelfAddress.ToString();

    public async Task<(ClusterStatus? Status, IResult? Error)> StatusAsync(CancellationToken cancel)
    {
        try
        {
            return (await negotiator.Ask<ClusterStatus>(GetClusterStatus.Instance, timeout, cancel), null);
        }
        catch (AskTimeoutException)
        {
            return (null, ApiError.Status(StatusCodes.Status504GatewayTimeout, $"the Negotiator did not answer within {timeout.TotalSeconds:0.#}s"));
        }
        catch (OperationCanceledException)
        {
            return (null, ApiError.Status(StatusCodes.Status503ServiceUnavailable, "the request was cancelled"));
        }
    }

    /// <summary>This member leaves gracefully: the others take over its share, then the node stops (docs/cluster.md).</summary>
    public void Leave()
    {
        system.Log.Warning("leaving the cluster: asked through the management API");
        _cluster.Leave(_cluster.SelfAddress);
    }

    /// <summary>Marks the member at <paramref name="address"/> down; the error names the field when it is malformed, this node, or not a member.</summary>
    public (string? Downed, IResult? Error) Down(string field, string address)
    {
        var (member, error) = MemberAt(field, address);
        if (member is null) return (null, error);
        if (member == _cluster.SelfAddress)
            return (null, ApiError.BadRequest($"'{field}' is this node ({member}); take it out of the cluster gracefully with POST /api/cluster/leave"));
        system.Log.Warning("downing {0}: asked through the management API", member);
        _cluster.Down(member);
        return (member.ToString(), null);
    }

    // A member's full address (akka.tcp://connactors@host:port) or host:port alone.
    private (Address? Member, IResult? Error) MemberAt(string field, string text)
    {
        var members = _cluster.State.Members.Select(m => m.Address).ToList();
        if (ClusterSettings.TryHostPort(text, out string host, out int port) && !text.Contains("://", StringComparison.Ordinal))
        {
            var matching = members.Where(a => a.Port == port && string.Equals(a.Host, host, StringComparison.OrdinalIgnoreCase)).ToList();
            return matching.Count == 1 ? (matching[0], null) : (null, NotAMember(field, text, members));
        }
        if (!ActorPath.TryParseAddress(text, out var address) || !address.HasGlobalScope || address.ToString() != text.TrimEnd('/'))
            return (null, ApiError.BadRequest($"'{field}' must be a member's address like akka.tcp://{ClusterSettings.SystemName}@10.0.0.5:4053 (or 10.0.0.5:4053), not '{text}'"));
        return members.Contains(address) ? (address, null) : (null, NotAMember(field, text, members));
    }

    private static IResult NotAMember(string field, string text, IEnumerable<Address> members) =>
        ApiError.BadRequest($"'{field}' {text} is not a member of this cluster; members: {string.Join(", ", members)}");
}
