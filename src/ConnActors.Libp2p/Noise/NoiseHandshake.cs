using System.Security.Cryptography;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Noise;

/// <summary>The libp2p Noise handshake (Noise_XX_25519_ChaChaPoly_SHA256, protocol id "/noise").</summary>
public static class NoiseHandshake
{
    public const string ProtocolId = "/noise";
    public const string ProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";

    private const int KeySize = 32;
    private const int FirstMessageLimit = KeySize + 1024;
    private const int PayloadMessageLimit = 8192;

    /// <summary>Runs the handshake as initiator (dialer) or responder.</summary>
    /// <remarks>When dialing a known peer, pass its id as expectedRemote: the handshake fails unless the remote proves it.</remarks>
    /// <exception cref="NoiseException">Any failure; the message says which.</exception>
    public static Task<NoiseSecureStream> RunAsync(Stream stream, bool initiator, PrivateKey identity,
        PeerId? expectedRemote, CancellationToken ct) =>
        RunAsync(stream, initiator, NoiseStaticKey.Create(identity), expectedRemote, ct);

    /// <summary>As above, with a static key made once for many handshakes.</summary>
    public static async Task<NoiseSecureStream> RunAsync(Stream stream, bool initiator, NoiseStaticKey local,
        PeerId? expectedRemote, CancellationToken ct)
    {
        using var state = new SymmetricState(ProtocolName);
        state.MixHash([]);
        var (staticKey, staticPublic, payload) = (local.Key, local.PublicKey, local.Payload);
        using var ephemeral = DhKey.Generate();
        var ephemeralPublic = ephemeral.PublicKey;
        try
        {
            PublicKey remoteIdentity;
            CipherState send, receive;
            if (initiator)
            {
                state.MixHash(ephemeralPublic);
                state.EncryptAndHash([]);
                await NoiseFraming.WriteAsync(stream, ephemeralPublic, ct).ConfigureAwait(false);

                var m2 = await NoiseFraming.ReadAsync(stream, PayloadMessageLimit, "noise handshake message 2", ct).ConfigureAwait(false);
                if (m2.Length < KeySize + KeySize + CipherState.TagSize * 2) throw new NoiseException($"noise handshake message 2 too short ({m2.Length} bytes)");
                var remoteEphemeral = m2[..KeySize];
                state.MixHash(remoteEphemeral);
                state.MixKey(ephemeral.Agree(remoteEphemeral));
                var remoteStatic = state.DecryptAndHash(m2.AsSpan(KeySize, KeySize + CipherState.TagSize));
                state.MixKey(ephemeral.Agree(remoteStatic));
                var remotePayload = state.DecryptAndHash(m2.AsSpan(KeySize * 2 + CipherState.TagSize));
                remoteIdentity = NoiseHandshakePayload.FromProtobuf(remotePayload).Verify(remoteStatic);
                CheckExpected(remoteIdentity, expectedRemote);

                var encryptedStatic = state.EncryptAndHash(staticPublic);
                state.MixKey(staticKey.Agree(remoteEphemeral));
                var encryptedPayload = state.EncryptAndHash(payload);
                await NoiseFraming.WriteAsync(stream, (byte[])[.. encryptedStatic, .. encryptedPayload], ct).ConfigureAwait(false);
                (send, receive) = state.Split();
            }
            else
            {
                var m1 = await NoiseFraming.ReadAsync(stream, FirstMessageLimit, "noise handshake message 1", ct).ConfigureAwait(false);
                if (m1.Length < KeySize) throw new NoiseException($"noise handshake message 1 too short ({m1.Length} bytes)");
                var remoteEphemeral = m1[..KeySize];
                state.MixHash(remoteEphemeral);
                state.DecryptAndHash(m1.AsSpan(KeySize));

                state.MixHash(ephemeralPublic);
                state.MixKey(ephemeral.Agree(remoteEphemeral));
                var encryptedStatic = state.EncryptAndHash(staticPublic);
                state.MixKey(staticKey.Agree(remoteEphemeral));
                var encryptedPayload = state.EncryptAndHash(payload);
                await NoiseFraming.WriteAsync(stream, (byte[])[.. ephemeralPublic, .. encryptedStatic, .. encryptedPayload], ct).ConfigureAwait(false);

                var m3 = await NoiseFraming.ReadAsync(stream, PayloadMessageLimit, "noise handshake message 3", ct).ConfigureAwait(false);
                if (m3.Length < KeySize + CipherState.TagSize * 2) throw new NoiseException($"noise handshake message 3 too short ({m3.Length} bytes)");
                var remoteStatic = state.DecryptAndHash(m3.AsSpan(0, KeySize + CipherState.TagSize));
                state.MixKey(ephemeral.Agree(remoteStatic));
                var remotePayload = state.DecryptAndHash(m3.AsSpan(KeySize + CipherState.TagSize));
                remoteIdentity = NoiseHandshakePayload.FromProtobuf(remotePayload).Verify(remoteStatic);
                CheckExpected(remoteIdentity, expectedRemote);
                var (initiatorToResponder, responderToInitiator) = state.Split();
                (send, receive) = (responderToInitiator, initiatorToResponder);
            }
            return new NoiseSecureStream(stream, send, receive, remoteIdentity);
        }
        catch (CryptographicException e)
        {
            throw new NoiseException("noise handshake message failed authentication", e);
        }
    }

    private static void CheckExpected(PublicKey remote, PeerId? expected)
    {
        if (expected is not null && !expected.Matches(remote))
            throw new NoiseException($"remote proved peer id {remote.ToPeerId()} but {expected} was expected");
    }
}
