using System.Security.Cryptography;

namespace ConnActors.Libp2p.Noise;

/// <summary>
/// An X25519 key pair for the Noise DH operations, computed by libsodium (<see cref="SodiumX25519"/>). The
/// secret sits in a pinned array (the GC never copies it elsewhere) and is wiped on dispose; shared secrets
/// are the caller's to wipe.
/// </summary>
internal sealed class DhKey : IDisposable
{
    public const int Size = 32;

    private readonly byte[] _secret;

    private DhKey(byte[] secret)
    {
        _secret = secret;
        PublicKey = new byte[Size];
        SodiumX25519.PublicKey(PublicKey, secret);
    }

    public byte[] PublicKey { get; }

    public static DhKey Generate()
    {
        var secret = GC.AllocateUninitializedArray<byte>(Size, pinned: true);
        RandomNumberGenerator.Fill(secret);
        return new DhKey(secret);
    }

    /// <summary>DH(this private key, <paramref name="remotePublic"/>), the 32-byte shared secret.</summary>
    /// <exception cref="NoiseException">The remote key is malformed or of low order (the result would be all zeros).</exception>
    public byte[] Agree(ReadOnlySpan<byte> remotePublic)
    {
        if (remotePublic.Length != Size) throw new NoiseException("malformed X25519 public key from the remote");
        var shared = new byte[Size];
        if (!SodiumX25519.Agree(shared, _secret, remotePublic))
            throw new NoiseException("X25519 agreement with the remote key is all zeros");
        return shared;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_secret);
}
