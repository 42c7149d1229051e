namespace ConnActors.Libp2p.Kad;

/// <summary>
/// Values stored by PUT_VALUE, each validated before it is kept (see <see cref="PublicKeyRecords"/>),
/// served by GET_VALUE until it expires. Bounded; time is a parameter. Not thread-safe.
/// </summary>
public sealed class RecordStore(TimeSpan validity, int maxRecords)
{
    private readonly Dictionary<string, StoredRecord> _records = new(StringComparer.Ordinal);
    // No record expires before this (a lower bound): a full store is pruned only once one may have, not on every PUT
    // (each prune reads every record, and a flood of PUT_VALUEs to a full store would read them all each time).
    private long _noExpiryBeforeMs = long.MaxValue;

    public int Count => _records.Count;

    /// <summary>Validates and stores a record; returns why it was refused, or null when stored.</summary>
    public string? Put(byte[] key, byte[] value, long nowMs)
    {
        if (PublicKeyRecords.Validate(key, value) is { } invalid) return invalid;
        string k = Convert.ToBase64String(key);
        if (!_records.ContainsKey(k) && _records.Count >= maxRecords)
        {
            if (nowMs >= _noExpiryBeforeMs) Prune(nowMs);
            if (_records.Count >= maxRecords) return $"record store full ({maxRecords} records)";
        }
        _records[k] = new StoredRecord(key, value, nowMs);
        _noExpiryBeforeMs = Math.Min(_noExpiryBeforeMs, ExpiryOf(nowMs));
        return null;
    }

    /// <summary>The unexpired record of <paramref name="key"/>, if any.</summary>
    public StoredRecord? Get(ReadOnlySpan<byte> key, long nowMs) =>
        _records.TryGetValue(Convert.ToBase64String(key), out var record) && !Expired(record, nowMs) ? record : null;

    /// <summary>Drops expired records; returns how many.</summary>
    public int Prune(long nowMs)
    {
        int dropped = 0;
        long noExpiryBefore = long.MaxValue;
        foreach (var (k, record) in _records.ToList())
        {
            if (Expired(record, nowMs))
            {
                _records.Remove(k);
                dropped++;
            }
            else noExpiryBefore = Math.Min(noExpiryBefore, ExpiryOf(record.ReceivedMs));
        }
        _noExpiryBeforeMs = noExpiryBefore;
        return dropped;
    }

    private bool Expired(StoredRecord record, long nowMs) => nowMs >= ExpiryOf(record.ReceivedMs);

    private long ExpiryOf(long receivedMs) => receivedMs + (long)validity.TotalMilliseconds;
}

/// <summary>A stored value and when it was received.</summary>
public sealed record StoredRecord(byte[] Key, byte[] Value, long ReceivedMs);
