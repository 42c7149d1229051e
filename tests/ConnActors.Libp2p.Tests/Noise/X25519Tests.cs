using ConnActors.Libp2p.Noise;

namespace ConnActors.Libp2p.Tests.Noise;

public class X25519Tests
{
    // RFC 7748, section 6.1.
    private static readonly byte[] AlicePrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] AlicePublic = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static readonly byte[] BobPrivate = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static readonly byte[] BobPublic = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static readonly byte[] Shared = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    [Fact]
    public void Libsodium_gives_the_rfc_7748_public_keys_and_shared_secret()
    {
        var alicePublic = new byte[32];
        var bobPublic = new byte[32];
        SodiumX25519.PublicKey(alicePublic, AlicePrivate);
        SodiumX25519.PublicKey(bobPublic, BobPrivate);
        Assert.Equal(AlicePublic, alicePublic);
        Assert.Equal(BobPublic, bobPublic);

        var (byAlice, byBob) = (new byte[32], new byte[32]);
        Assert.True(SodiumX25519.Agree(byAlice, AlicePrivate, BobPublic));
        Assert.True(SodiumX25519.Agree(byBob, BobPrivate, AlicePublic));
        Assert.Equal(Shared, byAlice);
        Assert.Equal(Shared, byBob);
    }

    [Fact]
    public void Two_generated_keys_agree_on_one_secret_and_differ_from_the_next_pair()
    {
        using var a = DhKey.Generate();
        using var b = DhKey.Generate();
        using var c = DhKey.Generate();
        Assert.Equal(a.Agree(b.PublicKey), b.Agree(a.PublicKey));
        Assert.NotEqual(a.Agree(b.PublicKey), a.Agree(c.PublicKey));
        Assert.NotEqual(a.PublicKey, b.PublicKey);
    }

    [Fact]
    public void A_low_order_remote_key_and_a_key_of_the_wrong_length_are_refused()
    {
        using var key = DhKey.Generate();
        // The point of order 1 (all zeros) and one of order 8 (RFC 7748's list of small-order points): the result would be all zeros.
        Assert.Contains("all zeros", Assert.Throws<NoiseException>(() => key.Agree(new byte[32])).Message);
        var orderEight = Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
        Assert.Contains("all zeros", Assert.Throws<NoiseException>(() => key.Agree(orderEight)).Message);
        Assert.Contains("malformed", Assert.Throws<NoiseException>(() => key.Agree(new byte[31])).Message);
    }
}
