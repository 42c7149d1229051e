using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Multiaddress;

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
    public void The_store_holds_at_most_its_bytes_of_addresses_and_gives_them_back_as_records_expire()
    {
        var random = new Random(4);
        var fat = new KadPeer(KadPeers.Id(random), [.. "abc".Select(c => Multiaddr.Parse($"/dns4/{new string(c, 253)}/tcp/4001"))]);
        int bytes = fat.Addresses.Sum(a => a.ToBytes().Length);
        var store = new ProviderStore(new ProviderStoreLimits { MaxAddressBytes = 2 * bytes, Validity = TimeSpan.FromSeconds(10) });
        Assert.Equal(ProviderAddResult.Added, store.Add([0x12, 0x20, 1, .. new byte[31]], fat, 0));
        Assert.Equal(ProviderAddResult.Added, store.Add([0x12, 0x20, 2, .. new byte[31]], fat, 0));
        Assert.Equal(2L * bytes, store.AddressBytes);
        // Far under the record cap, but the addresses would pass the byte cap.
        Assert.Equal(ProviderAddResult.StoreFull, store.Add([0x12, 0x20, 3, .. new byte[31]], fat, 0));
        // A refresh with smaller addresses shrinks what the record holds, and one with more than fits keeps the old ones.
        var thin = KadPeers.Peer(random);
        var thinBytes = thin.Addresses.Sum(a => a.ToBytes().Length);
        Assert.Equal(ProviderAddResult.Added, store.Add([0x12, 0x20, 4, .. new byte[31]], new KadPeer(fat.Id, []), 0));
        Assert.Equal(ProviderAddResult.Refreshed, store.Add([0x12, 0x20, 1, .. new byte[31]], new KadPeer(fat.Id, thin.Addresses), 1_000));
        Assert.Equal(bytes + thinBytes, store.AddressBytes);
        Assert.Equal(thin.Addresses, store.Get([0x12, 0x20, 1, .. new byte[31]], 1_000, 1).Single().Addresses);
        Assert.Equal(ProviderAddResult.Added, store.Add([0x12, 0x20, 3, .. new byte[31]], thin, 1_000));
        Assert.Equal(2, store.Prune(10_000)); // keys 2 and 4 (made at 0 s) expired; keys 1 and 3 were made or refreshed at 1 s
        Assert.Equal(2L * thinBytes, store.AddressBytes);
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
        // Any bytes hash to some peer id: a "valid" record of random bytes is refused by its type or its size.
        foreach (var (type, length, reason) in new[] { (9, 32, "unknown public key type 9"), (0, 1101, "a public key of 1101 bytes is longer than the 1100") })
        {
            var value = new ProtoWriter().WriteVarint(1, (ulong)type).WriteBytes(2, new byte[length]).ToArray();
            var hashed = PublicKeyRecords.KeyOf(PeerId.FromBytes([0x12, 32, .. System.Security.Cryptography.SHA256.HashData(value)]));
            Assert.Contains(reason, PublicKeyRecords.Validate(hashed, value));
        }
        Assert.Equal("records of namespace '/ipns/' are not accepted: only /pk/ (public keys) is",
            PublicKeyRecords.Validate("/ipns/abc"u8, [1]));

        var store = new RecordStore(TimeSpan.FromSeconds(10), maxRecords: 1);
        Assert.Null(store.Put(recordKey, key.PublicKey.ToProtobuf(), 0));
        Assert.Contains("not accepted", store.Put("/app/x"u8.ToArray(), [1], 0));
        Assert.Contains("store full", store.Put(PublicKeyRecords.KeyOf(other.PeerId), other.PublicKey.ToProtobuf(), 1));
        Assert.Equal(key.PublicKey.ToProtobuf(), store.Get(recordKey, 9_999)!.Value);
        Assert.Contains("store full", store.Put(PublicKeyRecords.KeyOf(other.PeerId), other.PublicKey.ToProtobuf(), 9_999));
        Assert.Null(store.Get(recordKey, 10_000));
        // Once the first record may have expired, a PUT to the full store prunes it and is stored.
        Assert.Null(store.Put(PublicKeyRecords.KeyOf(other.PeerId), other.PublicKey.ToProtobuf(), 10_000));
        Assert.Equal(1, store.Count);
    }
}
