using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ConnActors.Libp2p.Noise;

/// <summary>Noise CipherState: a ChaCha20-Poly1305 key and a 64-bit nonce counter.</summary>
internal sealed class CipherState : IDisposable
{
    public const int TagSize = 16;

    private readonly ChaCha20Poly1305 _aead;
    private ulong _nonce;

    public CipherState(ReadOnlySpan<byte> key) => _aead = new ChaCha20Poly1305(key);

    public void Encrypt(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag)
    {
        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        _aead.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag.Slice(plaintext.Length, TagSize), ad);
    }

    /// <exception cref="CryptographicException">Authentication failed.</exception>
    public void Decrypt(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext)
    {
        if (ciphertextAndTag.Length < TagSize) throw new CryptographicException("ciphertext shorter than its tag");
        Span<byte> nonce = stackalloc byte[12];
        NextNonce(nonce);
        var body = ciphertextAndTag.Length - TagSize;
        _aead.Decrypt(nonce, ciphertextAndTag[..body], ciphertextAndTag[body..], plaintext[..body], ad);
    }

    private void NextNonce(Span<byte> nonce)
    {
        if (_nonce == ulong.MaxValue) throw new CryptographicException("noise nonce exhausted");
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], _nonce++);
    }

    public void Dispose() => _aead.Dispose();
}
