using System.Globalization;

namespace ConnActors.Policy.Quotas;

/// <summary>A number of connection slots, absolute ("10") or as a share of the capacity ("5%").</summary>
public readonly record struct QuotaAmount(double Value, bool IsShare)
{
    /// <summary>An absolute number of slots.</summary>
    public static QuotaAmount Slots(int slots) => new(slots, false);

    /// <summary>A share of the capacity, <paramref name="fraction"/> in [0, 1].</summary>
    public static QuotaAmount Share(double fraction) => new(fraction, true);

    /// <summary>The number of slots this amount means for <paramref name="capacity"/>.</summary>
    public int Resolve(int capacity) => IsShare ? (int)Math.Floor(Value * capacity) : (int)Value;

    /// <summary>Parses "12" or "5%"; an invalid value is a <see cref="PolicyConfigurationException"/> for <paramref name="key"/>.</summary>
    public static QuotaAmount Parse(string text, string key)
    {
        text = text.Trim();
        bool share = text.EndsWith('%');
        var number = share ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new PolicyConfigurationException(key, $"'{text}' is neither a number of slots nor a percentage");
        if (value < 0) throw new PolicyConfigurationException(key, $"must not be negative, was '{text}'");
        if (share && value > 100) throw new PolicyConfigurationException(key, $"a share cannot exceed 100%, was '{text}'");
        if (!share && value != Math.Floor(value)) throw new PolicyConfigurationException(key, $"a number of slots is whole, was '{text}'");
        return share ? Share(value / 100) : Slots((int)value);
    }

    /// <inheritdoc />
    public override string ToString() => IsShare ? $"{Value * 100:0.##}%" : ((int)Value).ToString(CultureInfo.InvariantCulture);
}
