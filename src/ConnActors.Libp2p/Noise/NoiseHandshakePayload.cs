using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Noise;

/// <summary>The libp2p NoiseHandshakePayload: identity key, signature over the static key, optional extensions.</summary>
internal sealed record NoiseHandshakePayload(byte[] IdentityKey, byte[] IdentitySignature, IReadOnlyList<string> StreamMuxers)
{
    public static readonly byte[] SignaturePrefix = "noise-libp2p-static-key:"u8.ToArray();

    public static NoiseHandshakePayload Create(PrivateKey identity, byte[] staticPublicKey) =>
        new(identity.PublicKey.ToProtobuf(), identity.Sign([.. SignaturePrefix, .. staticPublicKey]), []);

    public byte[] ToProtobuf() =>
        new ProtoWriter().WriteBytes(1, IdentityKey).WriteBytes(2, IdentitySignature).ToArray();

    /// <exception cref="NoiseException">Malformed payload.</exception>
    public static NoiseHandshakePayload FromProtobuf(byte[] bytes)
    {
        try
        {
            byte[]? key = null, sig = null;
            var muxers = new List<string>();
            foreach (var f in ProtoReader.ReadAll(bytes))
            {
                if (f.WireType != 2) continue;
                if (f.Number == 1) key = f.Bytes.ToArray();
                else if (f.Number == 2) sig = f.Bytes.ToArray();
                else if (f.Number == 4)
                    muxers.AddRange(ProtoReader.ReadAll(f.Bytes).Where(e => e.Number == 2 && e.WireType == 2)
                        .Select(e => System.Text.Encoding.UTF8.GetString(e.Bytes.Span)));
            }
            if (key is null || sig is null) throw new NoiseException("handshake payload lacks identity_key or identity_sig");
            return new NoiseHandshakePayload(key, sig, muxers);
        }
        catch (FormatException e)
        {
            throw new NoiseException("malformed handshake payload: " + e.Message, e);
        }
    }

    /// <summary>Checks the signature over the remote static key; returns the remote identity.</summary>
    /// <exception cref="NoiseException">Unsupported key or bad signature.</exception>
    public PublicKey Verify(ReadOnlySpan<byte> remoteStaticKey)
    {
        PublicKey key;
        try { key = PublicKey.FromProtobuf(IdentityKey); }
        catch (FormatException e) { throw new NoiseException("malformed identity key: " + e.Message, e); }
        if (key.Type != KeyType.Ed25519) throw new NoiseException($"unsupported identity key type {key.Type}");
        if (!key.Verify([.. SignaturePrefix, .. remoteStaticKey], IdentitySignature))
            throw new NoiseException("identity signature over the noise static key does not verify");
        return key;
    }
}
