using ConnActors.Libp2p.Host;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Ledger;

// While a site budget applies, the member counts what the shared router holds for it: every record in the
// table (open connections, dials in flight, inbound handshakes) and every ended one until its linger ends
// (connactors.cluster.router-entry-linger). It opens more within its share, or beyond it while the site's
// entries (the others' as last reported) stay below the budget. The decision is the policy's (RouterEntryBudget).
internal sealed partial class ConnectionLedger
{
    private LingeringEntries? _lingering;

    /// <summary>The router entries this member holds now (records plus lingering ends); null while no site budget applies.</summary>
    public int? RouterEntries(long nowMs) => _lingering is null ? null : _connections.Count + _lingering.Count(nowMs);

    // A share of a site budget was set: from now on ends linger and the share gates new entries.
    private void CountRouterEntries() =>
        _lingering ??= new LingeringEntries((long)_settings.Cluster.RouterEntryLinger.TotalMilliseconds);

    // A connection or attempt ended, or was refused after the router had taken its entry: the entry lingers.
    private void EntryEnded(long nowMs) => _lingering?.Ended(nowMs);

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
        if (RouterEntryBudget.MayOpen(HardCap, open, _connections.Count - open, _lingering.Count(nowMs), _fleet.SiteBudget, _fleet.SiteEntriesElsewhere)) return true;
        _counters.RefusedForRouterEntries();
        return false;
    }

    private GateDecision RefuseForRouterEntries(long nowMs)
    {
        EntryEnded(nowMs);
        return GateDecision.Refuse(LedgerCounters.RouterEntriesFull);
    }
}
