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
}
