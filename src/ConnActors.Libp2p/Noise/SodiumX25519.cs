using System.Runtime.InteropServices;

namespace ConnActors.Libp2p.Noise;

/// <summary>
/// libsodium's X25519 called directly on caller-owned buffers. Going through NSec's key objects cost a
/// guarded native allocation and free (sodium_malloc: mmap, mprotect, mlock) for every key and shared
/// secret: a fifth of a listener's CPU per inbound connection, more than the scalar multiplications
/// themselves (docs/benchmarks.md, "Where an inbound connection's CPU goes"). The native library is the one
/// NSec.Cryptography's libsodium package ships.
/// </summary>
internal static class SodiumX25519
{
    private const string Library = "libsodium";

    static SodiumX25519()
    {
        // Selects the fastest implementation for this CPU; 1 = already initialised (by NSec, for Ed25519).
        if (sodium_init() < 0) throw new InvalidOperationException("libsodium failed to initialise (sodium_init returned -1)");
    }

    /// <summary>The public key of <paramref name="secret"/> (32 bytes each).</summary>
    public static void PublicKey(Span<byte> publicKey, ReadOnlySpan<byte> secret)
    {
        if (crypto_scalarmult_curve25519_base(ref MemoryMarshal.GetReference(publicKey), in MemoryMarshal.GetReference(secret)) != 0)
            throw new InvalidOperationException("libsodium refused to derive an X25519 public key");
    }

    /// <summary>X25519(<paramref name="secret"/>, <paramref name="remotePublic"/>); false when the result is all zeros (a low-order remote key).</summary>
    public static bool Agree(Span<byte> shared, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> remotePublic) =>
        crypto_scalarmult_curve25519(ref MemoryMarshal.GetReference(shared), in MemoryMarshal.GetReference(secret), in MemoryMarshal.GetReference(remotePublic)) == 0;

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int sodium_init();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int crypto_scalarmult_curve25519_base(ref byte q, in byte n);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    private static extern int crypto_scalarmult_curve25519(ref byte q, in byte n, in byte p);
}
