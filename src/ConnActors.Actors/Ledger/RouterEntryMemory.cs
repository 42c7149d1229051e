using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Ledger;

/// <summary>
/// The router entries of ended connections and refused attempts that the router still holds for this node. It outlives
/// the ledger (the manager's incarnations keep it): a manager that restarts rebuilds its records from the host, but the
/// ends lingering in the router are known only from here, and forgetting them would let the node open past its
/// router entries for up to a linger.
/// </summary>
internal sealed class RouterEntryMemory
{
    /// <summary>Ended connections and attempts (connactors.limits.router-entry-linger); null until entries are counted.</summary>
    public LingeringEntries? Ended { get; set; }

    /// <summary>Attempts refused at the gate and reset (connactors.limits.router-reset-linger); null until entries are counted.</summary>
    public LingeringEntries? Reset { get; set; }

    /// <summary>
    /// Open connections the host ended with a reset (connactors.libp2p.reset-on-close): the router drops them after
    /// connactors.limits.router-reset-linger, but unlike <see cref="Reset"/> the node started or accepted them.
    /// </summary>
    public LingeringEntries? ClosedByReset { get; set; }
}
