using System.Security.Cryptography;

namespace ConnActors.Libp2p.Noise;

/// <summary>Noise SymmetricState with SHA-256 and ChaChaPoly (chaining key, handshake hash, optional cipher).</summary>
internal sealed class SymmetricState : IDisposable
{
    private byte[] _ck;
    private byte[] _h;
    private CipherState? _cipher;

    public SymmetricState(string protocolName)
    {
        var name = System.Text.Encoding.ASCII.GetBytes(protocolName);
        _h = name.Length <= 32 ? [.. name, .. new byte[32 - name.Length]] : SHA256.HashData(name);
        _ck = (byte[])_h.Clone();
    }

    public void MixHash(ReadOnlySpan<byte> data) => _h = SHA256.HashData([.. _h, .. data]);

    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        var (ck, key) = Hkdf2(_ck, inputKeyMaterial);
        _ck = ck;
        _cipher?.Dispose();
        _cipher = new CipherState(key);
    }

    public byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        byte[] ciphertext;
        if (_cipher is null) ciphertext = plaintext.ToArray();
        else
        {
            ciphertext = new byte[plaintext.Length + CipherState.TagSize];
            _cipher.Encrypt(_h, plaintext, ciphertext);
        }
        MixHash(ciphertext);
        return ciphertext;
    }

    /// <exception cref="CryptographicException">Authentication failed.</exception>
    public byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext)
    {
        byte[] plaintext;
        if (_cipher is null) plaintext = ciphertext.ToArray();
        else
        {
            plaintext = new byte[Math.Max(0, ciphertext.Length - CipherState.TagSize)];
            _cipher.Decrypt(_h, ciphertext, plaintext);
        }
        MixHash(ciphertext);
        return plaintext;
    }

    /// <summary>The two transport ciphers: the first encrypts initiator to responder.</summary>
    public (CipherState InitiatorToResponder, CipherState ResponderToInitiator) Split()
    {
        var (k1, k2) = Hkdf2(_ck, []);
        return (new CipherState(k1), new CipherState(k2));
    }

    private static (byte[], byte[]) Hkdf2(byte[] chainingKey, ReadOnlySpan<byte> ikm)
    {
        var temp = HMACSHA256.HashData((ReadOnlySpan<byte>)chainingKey, ikm);
        var out1 = HMACSHA256.HashData(temp, (byte[])[1]);
        var out2 = HMACSHA256.HashData(temp, (byte[])[.. out1, 2]);
        return (out1, out2);
    }

    public void Dispose() => _cipher?.Dispose();
}
