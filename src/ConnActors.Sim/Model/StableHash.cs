namespace ConnActors.Sim.Model;

/// <summary>
/// Stateless randomness keyed by (seed, a, b, c): the same inputs always give the same bits, so values
/// that must not depend on the policy under test (session lengths, routing-table contents, placement)
/// are identical in every run with the same seed.
/// </summary>
internal static class StableHash
{
    public static ulong Of(ulong seed, long a, long b = 0, long c = 0)
    {
        ulong z = seed ^ Mix((ulong)a + 0x9E3779B97F4A7C15UL);
        z = Mix(z ^ (ulong)b * 0xD6E8FEB86659FD93UL);
        return Mix(z ^ (ulong)c * 0xA0761D6478BD642FUL);
    }

    public static double Unit(ulong seed, long a, long b = 0, long c = 0) => (Of(seed, a, b, c) >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
