namespace ConnActors.Policy;

/// <summary>
/// Thrown when a policy setting is invalid or incoherent with another. <see cref="Key"/> names the
/// setting as it is spelled in configuration (for example <c>limits.high-water</c>) so that an operator
/// can find and fix it.
/// </summary>
public sealed class PolicyConfigurationException : Exception
{
    /// <summary>Creates the error for <paramref name="key"/> with a human reason.</summary>
    public PolicyConfigurationException(string key, string reason)
        : base($"invalid setting '{key}': {reason}")
    {
        Key = key;
        Reason = reason;
    }

    /// <summary>The configuration key at fault.</summary>
    public string Key { get; }

    /// <summary>Why the value was rejected.</summary>
    public string Reason { get; }

    /// <summary>Throws for <paramref name="key"/> with <paramref name="reason"/> unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string key, string reason)
    {
        if (!condition) throw new PolicyConfigurationException(key, reason);
    }
}
