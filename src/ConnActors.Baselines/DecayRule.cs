using ConnActors.Policy;
using ConnActors.Policy.Engine;
namespace ConnActors.Baselines;

/// <summary>How a decaying tag's value shrinks at each of its decay intervals (go-libp2p's DecayFn).</summary>
public enum DecayKind : byte
{
    /// <summary>Never decays (go's DecayNone).</summary>
    None,

    /// <summary>Subtracts a fixed amount; removed at or below zero (go's DecayFixed).</summary>
    Fixed,

    /// <summary>Multiplies by a coefficient and floors; removed at or below zero (go's DecayLinear).</summary>
    Linear,
}

/// <summary>A decay function: its kind and its amount (Fixed) or coefficient (Linear).</summary>
public readonly record struct DecayRule(DecayKind Kind, double Parameter)
{
    /// <summary>Never decays.</summary>
    public static DecayRule None => new(DecayKind.None, 0);

    /// <summary>Subtracts <paramref name="amount"/> per interval.</summary>
    public static DecayRule Fixed(int amount) => new(DecayKind.Fixed, amount);

    /// <summary>Multiplies by <paramref name="coefficient"/> (in (0, 1)) per interval.</summary>
    public static DecayRule Linear(double coefficient) => new(DecayKind.Linear, coefficient);

    /// <summary>The value after one interval; <paramref name="remove"/> says the tag is gone.</summary>
    public int Apply(int value, out bool remove)
    {
        switch (Kind)
        {
            case DecayKind.Fixed:
                int fixedAfter = value - (int)Parameter;
                remove = fixedAfter <= 0;
                return fixedAfter;
            case DecayKind.Linear:
                double linearAfter = Math.Floor(value * Parameter);
                remove = linearAfter <= 0;
                return (int)linearAfter;
            default:
                remove = false;
                return value;
        }
    }
}

/// <summary>How a bump changes a decaying tag's value (go-libp2p's BumpFn).</summary>
public enum BumpKind : byte
{
    /// <summary>Adds the delta (go's BumpSumUnbounded).</summary>
    SumUnbounded,

    /// <summary>Adds the delta and clamps to [min, max] (go's BumpSumBounded).</summary>
    SumBounded,

    /// <summary>Replaces the value with the delta (go's BumpOverwrite).</summary>
    Overwrite,
}

/// <summary>A bump function: its kind and, for <see cref="BumpKind.SumBounded"/>, its bounds.</summary>
public readonly record struct BumpRule(BumpKind Kind, int Min = int.MinValue, int Max = int.MaxValue)
{
    /// <summary>Adds the delta.</summary>
    public static BumpRule SumUnbounded => new(BumpKind.SumUnbounded);

    /// <summary>Adds the delta, clamped to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static BumpRule SumBounded(int min, int max) => new(BumpKind.SumBounded, min, max);

    /// <summary>Replaces the value with the delta.</summary>
    public static BumpRule Overwrite => new(BumpKind.Overwrite);

    /// <summary>The value after a bump of <paramref name="delta"/>.</summary>
    public int Apply(int value, int delta) => Kind switch
    {
        BumpKind.SumBounded => (int)Math.Clamp((long)value + delta, Min, Max),
        BumpKind.Overwrite => delta,
        _ => value + delta,
    };
}

/// <summary>A registered decaying tag (go's RegisterDecayingTag result).</summary>
public readonly record struct DecayingTagId(int Value);
