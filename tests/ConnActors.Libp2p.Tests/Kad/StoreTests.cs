using ConnActors.Libp2p.Kad;

namespace ConnActors.Libp2p.Tests.Kad;

public class StoreTests
{
    private static readonly byte[] Key = [0x12, 0x20, .. new byte[32]];

    [Fact]
    public void Provider_records_expire_and_are_pruned()
    {
        var store = new ProviderStore(new ProviderStoreLimits { Validity = TimeSpan.FromSeconds(10) });
        var random = new Random(1);
        var a = KadPeers.Peer(random);
        var b = KadPeers.Peer(random);
        Assert.Equal(ProviderAddResult.Added, store.Add(Key, a, 0));
        Assert.Equal(ProviderAddResult.Added, store.Add(Key, b, 5_000));
        Assert.Equal([b, a], store.Get(Key, 9_000, 10));
        Assert.Equal([b], store.Get(Key, 10_000, 10));
        Assert.Equal(ProviderAddResult.Refreshed, store.Add(Key, a, 12_000));
        Assert.Equal(1, store.Prune(15_000)); // b expired at 15 s; a was refreshed
        Assert.Equal([a], store.Get(Key, 15_000, 10));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void A_provider_flood_and_a_full_key_are_refused()
    {
        var store = new ProviderStore(new ProviderStoreLimits { MaxKeysPerProvider = 3, MaxProvidersPerKey = 2, MaxRecords = 100 });
        var random = new Random(2);
        var flooder = KadPeers.Peer(random);
        for (byte i = 0; i < 3; i++) Assert.Equal(ProviderAddResult.Added, store.Add([0x12, 0x20, (byte)(i + 1), .. new byte[31]], flooder, 0));
        Assert.Equal(ProviderAddResult.ProviderFull, store.Add([0x12, 0x20, 9, .. new byte[31]], flooder, 0));
        Assert.Equal(ProviderAddResult.Added, store.Add(Key, KadPeers.Peer(random), 0));
        Assert.Equal(ProviderAddResult.Added, store.Add(Key, KadPeers.Peer(random), 0));
        Assert.Equal(ProviderAddResult.KeyFull, store.Add(Key, KadPeers.Peer(random), 0));
    }

    [Fact]
    public void Public_key_records_are_validated_and_other_namespaces_refused_with_a_reason()
    {
        var key = PrivateKey.Generate();
        var other = PrivateKey.Generate();
        var recordKey = PublicKeyRecords.KeyOf(key.PeerId);
        Assert.Null(PublicKeyRecords.Validate(recordKey, key.PublicKey.ToProtobuf()));
        Assert.Contains("holds the public key of " + other.PeerId, PublicKeyRecords.Validate(recordKey, other.PublicKey.ToProtobuf()));
        Assert.Contains("not a public key", PublicKeyRecords.Validate(recordKey, [1, 2, 3]));
        Assert.Equal("records of namespace '/ipns/' are not accepted: only /pk/ (public keys) is",
            PublicKeyRecords.Validate("/ipns/abc"u8, [1]));

        var store = new RecordStore(TimeSpan.FromSeconds(10), maxRecords: 1);
        Assert.Null(store.Put(recordKey, key.PublicKey.ToProtobuf(), 0));
        Assert.Contains("not accepted", store.Put("/app/x"u8.ToArray(), [1], 0));
        Assert.Contains("store full", store.Put(PublicKeyRecords.KeyOf(other.PeerId), other.PublicKey.ToProtobuf(), 1));
        Assert.Equal(key.PublicKey.ToProtobuf(), store.Get(recordKey, 9_999)!.Value);
        Assert.Null(store.Get(recordKey, 10_000));
    }
}
