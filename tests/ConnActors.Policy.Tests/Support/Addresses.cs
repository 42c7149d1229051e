using ConnActors.Policy.Admission;

namespace ConnActors.Policy.Tests.Support;

/// <summary>Public-looking addresses for tests (never dialed: admission only computes on them).</summary>
internal static class Addresses
{
    /// <summary>A distinct IPv4 address per index, spread over many /32s in 198.18.0.0/15 (benchmarking range).</summary>
    public static RemoteAddress V4(int index) => RemoteAddress.IPv4(0xC6120000u + (uint)index);

    /// <summary>An IPv6 address in 2001:db8::/32 (documentation range) within /48 <paramref name="slash48"/>, /56 <paramref name="slash56"/>.</summary>
    public static RemoteAddress V6(int slash48, int slash56, int host) =>
        RemoteAddress.IPv6(0x20010DB8_00000000UL | ((ulong)(ushort)slash48 << 16) | ((ulong)(byte)slash56 << 8), (ulong)host);
}
