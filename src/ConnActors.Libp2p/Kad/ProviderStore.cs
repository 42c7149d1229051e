using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Kad;

/// <summary>Bounds of the provider store: validity of a record and caps that keep a flood from filling memory.</summary>
public sealed record ProviderStoreLimits
{
    /// <summary>How long a provider record is served after its last ADD_PROVIDER (the spec's IPFS value: 48 h).</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromHours(48);

    /// <summary>Most providers kept for one key; further ones are refused while the key is full.</summary>
    public int MaxProvidersPerKey { get; init; } = 64;

    /// <summary>Most keys one provider may hold records for; beyond it its ADD_PROVIDERs are a flood.</summary>
    public int MaxKeysPerProvider { get; init; } = 1024;

    /// <summary>Most records in the store.</summary>
    public int MaxRecords { get; init; } = 100_000;

    /// <summary>
    /// Most bytes of addresses (their wire form) over all records: the record count alone does not bound the memory, as
    /// each record keeps its provider's addresses.
    /// </summary>
    public int MaxAddressBytes { get; init; } = 32 * 1024 * 1024;
}

/// <summary>
/// Provider records (ADD_PROVIDER / GET_PROVIDERS): for each key (a multihash), who provides it and
/// since when. Records expire after <see cref="ProviderStoreLimits.Validity"/>. Time is a parameter.
/// Not thread-safe: one owner drives it.
/// </summary>
public sealed class ProviderStore(ProviderStoreLimits limits)
{
    private readonly Dictionary<string, Dictionary<PeerId, ProviderRecord>> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerId, int> _keysPerProvider = new();
    private int _records;
    private long _addressBytes;

    /// <summary>Records held (expired ones count until <see cref="Prune"/>).</summary>
    public int Count => _records;

    /// <summary>Bytes of addresses the records hold (expired ones count until <see cref="Prune"/>).</summary>
    public long AddressBytes => _addressBytes;

    /// <summary>Keys with at least one record.</summary>
    public int KeyCount => _byKey.Count;

    /// <summary>Records or refreshes that <paramref name="provider"/> provides <paramref name="key"/>.</summary>
    public ProviderAddResult Add(ReadOnlySpan<byte> key, KadPeer provider, long nowMs)
    {
        string k = Convert.ToBase64String(key);
        int bytes = BytesOf(provider.Addresses);
        if (_byKey.TryGetValue(k, out var providers) && providers.TryGetValue(provider.Id, out var existing))
        {
            // New addresses replace the old ones when they fit; the record is refreshed either way.
            bool replace = provider.Addresses.Count > 0 && _addressBytes - existing.AddressBytes + bytes <= limits.MaxAddressBytes;
            var kept = replace ? new ProviderRecord(provider, nowMs, bytes) : existing with { AddedMs = nowMs };
            _addressBytes += kept.AddressBytes - existing.AddressBytes;
            providers[provider.Id] = kept;
            return ProviderAddResult.Refreshed;
        }
        if (_keysPerProvider.GetValueOrDefault(provider.Id) >= limits.MaxKeysPerProvider) return ProviderAddResult.ProviderFull;
        if (providers is not null && providers.Count >= limits.MaxProvidersPerKey) return ProviderAddResult.KeyFull;
        if (_records >= limits.MaxRecords || _addressBytes + bytes > limits.MaxAddressBytes) return ProviderAddResult.StoreFull;
        if (providers is null) _byKey[k] = providers = new Dictionary<PeerId, ProviderRecord>();
        providers[provider.Id] = new ProviderRecord(provider, nowMs, bytes);
        _keysPerProvider[provider.Id] = _keysPerProvider.GetValueOrDefault(provider.Id) + 1;
        _records++;
        _addressBytes += bytes;
        return ProviderAddResult.Added;
    }

    private static int BytesOf(IReadOnlyList<Multiaddress.Multiaddr> addresses) => addresses.Sum(a => a.ToBytes().Length);

    /// <summary>Up to <paramref name="max"/> unexpired providers of <paramref name="key"/>, most recently refreshed first.</summary>
    public IReadOnlyList<KadPeer> Get(ReadOnlySpan<byte> key, long nowMs, int max)
    {
        if (!_byKey.TryGetValue(Convert.ToBase64String(key), out var providers)) return [];
        long oldest = nowMs - (long)limits.Validity.TotalMilliseconds;
        return providers.Values.Where(r => r.AddedMs > oldest).OrderByDescending(r => r.AddedMs).Take(max).Select(r => r.Provider).ToList();
    }

    /// <summary>Drops expired records; returns how many.</summary>
    public int Prune(long nowMs)
    {
        long oldest = nowMs - (long)limits.Validity.TotalMilliseconds;
        int dropped = 0;
        foreach (var (key, providers) in _byKey.ToList())
        {
            foreach (var (peer, record) in providers.ToList())
            {
                if (record.AddedMs > oldest) continue;
                providers.Remove(peer);
                if (--_keysPerProvider[peer] == 0) _keysPerProvider.Remove(peer);
                _records--;
                _addressBytes -= record.AddressBytes;
                dropped++;
            }
            if (providers.Count == 0) _byKey.Remove(key);
        }
        return dropped;
    }

    private sealed record ProviderRecord(KadPeer Provider, long AddedMs, int AddressBytes);
}

/// <summary>What <see cref="ProviderStore.Add"/> did.</summary>
public enum ProviderAddResult
{
    Added,
    Refreshed,

    /// <summary>The provider already holds records for the most keys allowed: a flood.</summary>
    ProviderFull,

    /// <summary>The key already has the most providers allowed.</summary>
    KeyFull,

    /// <summary>The store holds the most records, or the most bytes of addresses, allowed.</summary>
    StoreFull,
}
