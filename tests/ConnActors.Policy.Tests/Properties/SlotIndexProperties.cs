using ConnActors.Policy.Peers;
using CsCheck;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>The peer table's open-addressing index answers as a dictionary would, through growth, removals and shrinking.</summary>
public class SlotIndexProperties
{
    [Fact]
    public void The_index_agrees_with_a_dictionary_under_any_adds_removes_and_trims() =>
        // Keys from a small range collide and share probe runs; negative and extreme keys are keys too.
        Gen.Select(Gen.Int[0, 4], Gen.OneOf(Gen.Int[-40, 200], Gen.Const(int.MaxValue), Gen.Const(int.MinValue)), Gen.Int[0, 1_000_000])
            .Array[1, 800].Sample(ops =>
        {
            var index = new SlotIndex();
            var reference = new Dictionary<int, int>();
            foreach (var (code, key, slot) in ops)
            {
                switch (code)
                {
                    case 0:
                    case 1:
                        ref int added = ref index.SlotRefOrAdd(key, out bool exists);
                        Assert.Equal(reference.ContainsKey(key), exists);
                        if (exists) Assert.Equal(reference[key], added);
                        added = slot;
                        reference[key] = slot;
                        break;
                    case 2:
                        Assert.Equal(reference.Remove(key), index.Remove(key));
                        break;
                    case 3:
                        index.TrimExcess();
                        break;
                    default:
                        Assert.Equal(reference.TryGetValue(key, out int expected), index.TryGetSlot(key, out int found));
                        if (reference.ContainsKey(key)) Assert.Equal(expected, found);
                        break;
                }
                Assert.Equal(reference.Count, index.Count);
            }
            foreach (var (key, slot) in reference)
            {
                Assert.True(index.Contains(key));
                Assert.Equal(slot, index.SlotRefOrNull(key));
            }
        });
}
