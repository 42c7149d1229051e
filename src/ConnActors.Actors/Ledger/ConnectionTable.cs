using ConnActors.Libp2p.Host;
using ConnActors.Policy;

namespace ConnActors.Actors.Ledger;

/// <summary>
/// The connection attempts the node holds, by id, with an index by peer. Each id enters once and leaves
/// once; reports about an id that is not (or no longer) here are counted, never acted on twice.
/// </summary>
internal sealed class ConnectionTable
{
    private readonly Dictionary<ConnectionId, ConnectionRecord> _records = new();
    private readonly Dictionary<PeerKey, List<ConnectionRecord>> _byPeer = new();

    public int Count => _records.Count;

    /// <summary>Open connections.</summary>
    public int Live { get; private set; }

    /// <summary>Reports about ids the table does not hold (late, duplicate, or never admitted here).</summary>
    public long UnknownReports { get; private set; }

    public IEnumerable<ConnectionRecord> All => _records.Values;

    public bool TryGet(ConnectionId id, out ConnectionRecord record)
    {
        if (_records.TryGetValue(id, out record!)) return true;
        UnknownReports++;
        return false;
    }

    public bool Contains(ConnectionId id) => _records.ContainsKey(id);

    public void Add(ConnectionRecord record)
    {
        _records.Add(record.Id, record);
        if (record.Stage == ConnectionStage.Live) Live++;
        if (record.Peer is not null) Index(record);
    }

    /// <summary>The record now knows its peer (inbound, at the peer gate).</summary>
    public void Identify(ConnectionRecord record, Libp2p.Identity.PeerId peer, PeerKey key)
    {
        record.Peer = peer;
        record.Key = key;
        Index(record);
    }

    public void Open(ConnectionRecord record)
    {
        if (record.Stage != ConnectionStage.Live) Live++;
        record.Stage = ConnectionStage.Live;
    }

    public void Remove(ConnectionRecord record)
    {
        if (!_records.Remove(record.Id)) return;
        if (record.Stage == ConnectionStage.Live) Live--;
        if (record.Peer is null || !_byPeer.TryGetValue(record.Key, out var list)) return;
        list.Remove(record);
        if (list.Count == 0) _byPeer.Remove(record.Key);
    }

    /// <summary>The peer's attempts and connections (empty when none).</summary>
    public IReadOnlyList<ConnectionRecord> Of(PeerKey key) => _byPeer.TryGetValue(key, out var list) ? list : [];

    public bool HoldsAny(PeerKey key) => _byPeer.ContainsKey(key);

    private void Index(ConnectionRecord record)
    {
        if (!_byPeer.TryGetValue(record.Key, out var list)) _byPeer[record.Key] = list = new List<ConnectionRecord>(1);
        list.Add(record);
    }
}
