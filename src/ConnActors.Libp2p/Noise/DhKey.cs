using NSec.Cryptography;

namespace ConnActors.Libp2p.Noise;

/// <summary>
/// An X25519 key pair for the Noise DH operations, kept in libsodium (NSec): its scalar multiplication
/// costs about two thirds of the managed one's (docs/benchmarks.md, "Cheaper handshakes").
/// The secret lives in native memory and is wiped on dispose.
/// </summary>
internal sealed class DhKey : IDisposable
{
    public const int Size = 32;

    private static readonly KeyAgreementAlgorithm Algorithm = KeyAgreementAlgorithm.X25519;

    private readonly Key _key;

    private DhKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public byte[] PublicKey { get; }

    public static DhKey Generate() => new(Key.Create(Algorithm));

    /// <summary>DH(this private key, <paramref name="remotePublic"/>), the 32-byte shared secret.</summary>
    /// <exception cref="NoiseException">The remote key is malformed or of low order (the result would be all zeros).</exception>
    public byte[] Agree(ReadOnlySpan<byte> remotePublic)
    {
        if (!NSec.Cryptography.PublicKey.TryImport(Algorithm, remotePublic, KeyBlobFormat.RawPublicKey, out var remote) || remote is null)
            throw new NoiseException("malformed X25519 public key from the remote");
        var exportable = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        using var shared = Algorithm.Agree(_key, remote, in exportable)
            ?? throw new NoiseException("X25519 agreement with the remote key is all zeros");
        return shared.Export(SharedSecretBlobFormat.RawSharedSecret);
    }

    public void Dispose() => _key.Dispose();
}
