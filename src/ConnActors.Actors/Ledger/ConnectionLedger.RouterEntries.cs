using ConnActors.Libp2p.Host;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Ledger;

// While a site budget applies, or the node sits alone behind a router (connactors.limits.router-entries), it
// counts what the router holds for it: every record in the table (open connections, dials in flight, inbound
// handshakes) and every ended one until its linger ends (connactors.limits.router-entry-linger); an attempt
// refused at the gate, and an open connection the host closed with a reset (libp2p.reset-on-close), only for
// connactors.limits.router-reset-linger. A site member
// opens more within its share, or beyond it while the site's entries (the others' as last reported) stay
// below the budget; a lone node within its router entries. The decision is the policy's (RouterEntryBudget).
internal sealed partial class ConnectionLedger
{
    private int _routerEntries; // a lone node's router entries; 0 for a site member (its share bounds them) or when not counted

    /// <summary>The router entries this node holds now (records plus lingering ends); null while none are counted.</summary>
    public int? RouterEntries(long nowMs) => _routerMemory.Ended is null ? null : _connections.Count + Lingering(nowMs);

    /// <summary>The entries of attempts refused at the gate (and reset) still in the router now: the only part of
    /// <see cref="RouterEntries"/> that may go beyond <see cref="RouterEntryBudgetInForce"/>, since the router took
    /// them before the gate could refuse them. 0 while none are counted.</summary>
    public int ResetEntries(long nowMs) => _routerMemory.Reset?.Count(nowMs) ?? 0;

    /// <summary>What bounds <see cref="RouterEntries"/>: a lone node's router entries, or a site member's share (its hard
    /// cap, which it may exceed while the site has room); null while none are counted.</summary>
    public int? RouterEntryBudgetInForce => _routerMemory.Ended is null ? null : _routerEntries > 0 ? _routerEntries : HardCap;

    /// <summary>
    /// The node sits alone behind a router whose table may hold <paramref name="routerEntries"/> of its entries: from now
    /// on they gate new entries, and its hard cap is <see cref="RouterEntryBudget.HardCapFor"/>'s, its other limits
    /// re-derived from it as when a site share changes.
    /// </summary>
    public void BehindRouter(int routerEntries, long nowMs)
    {
        _routerEntries = routerEntries;
        SetShare(RouterEntryBudget.HardCapFor(routerEntries, OwnHardCap), nowMs);
    }

    // A share of a site budget, or a lone node's router entries, was set: from now on ends linger and gate new entries.
    private void CountRouterEntries()
    {
        _routerMemory.Ended ??= new LingeringEntries((long)_settings.RouterLingers.Ended.TotalMilliseconds);
        _routerMemory.Reset ??= new LingeringEntries((long)_settings.RouterLingers.Reset.TotalMilliseconds);
        _routerMemory.ClosedByReset ??= new LingeringEntries((long)_settings.RouterLingers.Reset.TotalMilliseconds);
    }

    private int Lingering(long nowMs) =>
        (_routerMemory.Ended?.Count(nowMs) ?? 0) + (_routerMemory.Reset?.Count(nowMs) ?? 0) + (_routerMemory.ClosedByReset?.Count(nowMs) ?? 0);

    // A connection or attempt ended, or was refused after the router had taken its entry: the entry lingers.
    private void EntryEnded(long nowMs) => _routerMemory.Ended?.Ended(nowMs);

    // An inbound attempt was refused at the gate: the host resets it, and the router drops a reset entry sooner.
    private void EntryReset(long nowMs) => _routerMemory.Reset?.Ended(nowMs);

    // Ends a record whose connection or attempt is over (not one re-admitted under the same id). An open connection the
    // host ended with a reset (libp2p.reset-on-close) lingers as a reset one; a failed attempt may have left SYN_SENT.
    private void RemoveEnded(ConnectionRecord record, long nowMs)
    {
        _connections.Remove(record);
        if (record.Stage == ConnectionStage.Live && _settings.Libp2p.ResetOnClose) _routerMemory.ClosedByReset?.Ended(nowMs);
        else EntryEnded(nowMs);
    }

    // True when the router entries (a lone node's) or the share (a site member's) leave room for one more; a refusal is counted.
    private bool RouterHasRoom(long nowMs)
    {
        if (_routerMemory.Ended is null) return true;
        int open = _connections.Live, pending = _connections.Count - open, lingering = Lingering(nowMs);
        bool room = _routerEntries > 0
            ? RouterEntryBudget.MayOpen(_routerEntries, open, pending, lingering)
            : RouterEntryBudget.MayOpen(HardCap, open, pending, lingering, _fleet.SiteBudget, _fleet.SiteEntriesElsewhere);
        if (room) return true;
        _counters.RefusedForRouterEntries();
        return false;
    }

    private GateDecision RefuseForRouterEntries(long nowMs)
    {
        EntryReset(nowMs);
        return GateDecision.Refuse(LedgerCounters.RouterEntriesFull);
    }
}
