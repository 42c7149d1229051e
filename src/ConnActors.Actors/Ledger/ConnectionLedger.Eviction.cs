using ConnActors.Policy.Admission;

namespace ConnActors.Actors.Ledger;

// A full pending-handshake table: the policy may take a slot back (PendingHandshakeEviction); the ledger
// frees it at once and the host aborts that handshake.
internal sealed partial class ConnectionLedger
{
    private bool EvictPendingHandshakeFor(RemoteAddress newcomer, long nowMs)
    {
        var pending = _connections.All.Where(r => r.Stage == ConnectionStage.Handshaking).ToList();
        var table = new PendingHandshake[pending.Count];
        for (int i = 0; i < table.Length; i++) table[i] = new PendingHandshake(pending[i].Address.PendingShareKey, pending[i].StartedMs);
        var victim = PendingHandshakeEviction.ChooseVictim(table, newcomer.PendingShareKey);
        if (victim < 0) return false;
        var record = pending[victim];
        End(record, nowMs);
        _counters.Refused("PendingHandshakeEvicted");
        _effects.Add(new AbortConnection(record.Id, "evicted: every pending-handshake slot was taken and its subnet held the most"));
        return true;
    }
}
