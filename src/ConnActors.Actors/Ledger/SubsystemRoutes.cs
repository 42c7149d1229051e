using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Ledger;

/// <summary>Which subsystem each stream protocol belongs to, and the set of our protocols (for overlap scores).</summary>
internal sealed class SubsystemRoutes
{
    private readonly Dictionary<string, SubsystemId> _byProtocol = new(StringComparer.Ordinal);
    private readonly HashSet<string> _protocols = new(StringComparer.Ordinal);

    public IReadOnlySet<string> Protocols => _protocols;

    public void Route(string protocol, SubsystemId subsystem)
    {
        _byProtocol[protocol] = subsystem;
        _protocols.Add(protocol);
    }

    public bool TryGet(string protocol, out SubsystemId subsystem) => _byProtocol.TryGetValue(protocol, out subsystem);

    // The "system" subsystem's protocols (identify, ping, bye): the node's own upkeep, not a use of the peer.
    private readonly HashSet<string> _upkeep = new(StringComparer.Ordinal);

    /// <summary>Marks the protocols of the node's own upkeep (identify, ping, bye).</summary>
    public void RouteUpkeep(string protocol) => _upkeep.Add(protocol);

    /// <summary>True for a protocol of the node's own upkeep: its streams say nothing about the peer's use.</summary>
    public bool IsUpkeep(string protocol) => _upkeep.Contains(protocol);
}
