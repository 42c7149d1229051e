using System.Numerics;
using ConnActors.Policy.Collections;
using CsCheck;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>The open-addressing map (peer slots, subnet counts) answers as a dictionary would, through growth, removals and shrinking.</summary>
public class OpenIntMapProperties
{
    // Keys from a small range collide and share probe runs; negative and extreme keys are keys too.
    [Fact]
    public void An_int_keyed_map_agrees_with_a_dictionary_under_any_adds_removes_and_trims() =>
        Agrees(Gen.OneOf(Gen.Int[-40, 200], Gen.Const(int.MaxValue), Gen.Const(int.MinValue)));

    [Fact]
    public void A_ulong_keyed_map_agrees_with_a_dictionary_under_any_adds_removes_and_trims() =>
        Agrees(Gen.OneOf(Gen.ULong[0, 300], Gen.ULong[ulong.MaxValue - 50, ulong.MaxValue], Gen.ULong.Select(k => k << 32)));

    private static void Agrees<TKey>(Gen<TKey> keys) where TKey : unmanaged, IBinaryInteger<TKey> =>
        Gen.Select(Gen.Int[0, 4], keys, Gen.Int[0, 1_000_000]).Array[1, 800].Sample(ops =>
        {
            var map = new OpenIntMap<TKey>();
            var reference = new Dictionary<TKey, int>();
            foreach (var (code, key, value) in ops)
            {
                switch (code)
                {
                    case 0:
                    case 1:
                        ref int added = ref map.ValueRefOrAdd(key, out bool exists);
                        Assert.Equal(reference.ContainsKey(key), exists);
                        if (exists) Assert.Equal(reference[key], added);
                        added = value;
                        reference[key] = value;
                        break;
                    case 2:
                        Assert.Equal(reference.Remove(key), map.Remove(key));
                        break;
                    case 3:
                        map.TrimExcess();
                        break;
                    default:
                        Assert.Equal(reference.TryGetValue(key, out int expected), map.TryGetValue(key, out int found));
                        if (reference.ContainsKey(key)) Assert.Equal(expected, found);
                        break;
                }
                Assert.Equal(reference.Count, map.Count);
            }
            foreach (var (key, value) in reference)
            {
                Assert.True(map.Contains(key));
                Assert.Equal(value, map.ValueRefOrNull(key));
            }
        });
}
