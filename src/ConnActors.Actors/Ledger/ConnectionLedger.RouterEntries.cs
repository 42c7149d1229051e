using ConnActors.Libp2p.Host;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Ledger;

// While a site budget applies, the member counts what the shared router holds for it: every record in the
// table (open connections, dials in flight, inbound handshakes) and every ended one until its linger ends
// (connactors.cluster.router-entry-linger); an attempt refused at the gate, which the host resets, only for
// connactors.cluster.router-reset-linger. It opens more within its share, or beyond it while the site's
// entries (the others' as last reported) stay below the budget. The decision is the policy's (RouterEntryBudget).
internal sealed partial class ConnectionLedger
{
    private LingeringEntries? _lingering;
    private LingeringEntries? _reset;

    /// <summary>The router entries this member holds now (records plus lingering ends); null while no site budget applies.</summary>
    public int? RouterEntries(long nowMs) => _lingering is null ? null : _connections.Count + Lingering(nowMs);

    // A share of a site budget was set: from now on ends linger and the share gates new entries.
    private void CountRouterEntries()
    {
        _lingering ??= new LingeringEntries((long)_settings.Cluster.RouterEntryLinger.TotalMilliseconds);
        _reset ??= new LingeringEntries((long)_settings.Cluster.RouterResetLinger.TotalMilliseconds);
    }

    private int Lingering(long nowMs) => (_lingering?.Count(nowMs) ?? 0) + (_reset?.Count(nowMs) ?? 0);

    // A connection or attempt ended, or was refused after the router had taken its entry: the entry lingers.
    private void EntryEnded(long nowMs) => _lingering?.Ended(nowMs);

    // An inbound attempt was refused at the gate: the host resets it, and the router drops a reset entry sooner.
    private void EntryReset(long nowMs) => _reset?.Ended(nowMs);

    // Ends a record whose connection or attempt is over (not one re-admitted under the same id).
    private void RemoveEnded(ConnectionRecord record, long nowMs)
    {
        _connections.Remove(record);
        EntryEnded(nowMs);
    }

    // True when the share leaves room for one more router entry; a refusal is counted.
    private bool RouterHasRoom(long nowMs)
    {
        if (_lingering is null) return true;
        int open = _connections.Live;
        if (RouterEntryBudget.MayOpen(HardCap, open, _connections.Count - open, Lingering(nowMs), _fleet.SiteBudget, _fleet.SiteEntriesElsewhere)) return true;
        _counters.RefusedForRouterEntries();
        return false;
    }

    private GateDecision RefuseForRouterEntries(long nowMs)
    {
        EntryReset(nowMs);
        return GateDecision.Refuse(LedgerCounters.RouterEntriesFull);
    }
}
