using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Tests.Keys;

public class PeerIdTests
{
    // Vector from the libp2p peer-ids spec; the expected ids and signature were produced by js-libp2p (@libp2p/peer-id, @libp2p/crypto).
    private const string SpecPrivateKeyHex = "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    private const string SpecPublicKeyHex = "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
    private const string JsPeerId = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
    private const string JsCid = "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6";
    private const string JsSignatureOfHello = "54f7fd037768d6479d14967d3df9500ba0720166b931e5e9912e58a0ac49fbfcef7aa3adc9b89d736d7411749dee70eb00ff8792ecc5e8c8c39c0b97f710d40c";

    private static readonly PrivateKey SpecKey = PrivateKey.FromProtobuf(Convert.FromHexString(SpecPrivateKeyHex));

    [Fact]
    public void Spec_key_encodes_to_the_spec_public_key_protobuf() =>
        Assert.Equal(SpecPublicKeyHex, Convert.ToHexStringLower(SpecKey.PublicKey.ToProtobuf()));

    [Fact]
    public void Private_key_protobuf_round_trips_byte_for_byte() =>
        Assert.Equal(SpecPrivateKeyHex, Convert.ToHexStringLower(SpecKey.ToProtobuf()));

    [Fact]
    public void Peer_id_matches_js_libp2p_in_base58_and_cid_forms()
    {
        Assert.Equal(JsPeerId, SpecKey.PeerId.ToString());
        Assert.Equal(JsCid, SpecKey.PeerId.ToCidString());
    }

    [Fact]
    public void Signature_matches_js_libp2p_and_verifies() 
    {
        var sig = SpecKey.Sign("hello"u8);
        Assert.Equal(JsSignatureOfHello, Convert.ToHexStringLower(sig));
        Assert.True(SpecKey.PublicKey.Verify("hello"u8, sig));
        sig[0] ^= 1;
        Assert.False(SpecKey.PublicKey.Verify("hello"u8, sig));
    }

    [Fact]
    public void Both_text_forms_parse_to_the_same_peer()
    {
        var a = PeerId.Parse(JsPeerId);
        var b = PeerId.Parse(JsCid);
        Assert.Equal(a, b);
        Assert.True(a.Matches(SpecKey.PublicKey));
        Assert.Equal(SpecKey.PublicKey.Data, a.TryGetPublicKey()!.Data);
    }

    [Fact]
    public void Generated_keys_give_12D3KooW_ids_that_round_trip()
    {
        var key = PrivateKey.Generate();
        var text = key.PeerId.ToString();
        Assert.StartsWith("12D3KooW", text);
        Assert.Equal(key.PeerId, PeerId.Parse(text));
        Assert.Equal(key.PeerId, PeerId.Parse(key.PeerId.ToCidString()));
        Assert.Equal(key.PeerId, PeerId.FromBytes(key.PeerId.Bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12D3KooW0OIl")]
    [InlineData("QmNotAPeer")]
    [InlineData("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")]
    [InlineData("zQ3sh")]
    public void Malformed_peer_ids_are_rejected(string text) => Assert.ThrowsAny<FormatException>(() => PeerId.Parse(text));
}
