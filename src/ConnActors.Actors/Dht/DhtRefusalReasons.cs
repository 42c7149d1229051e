namespace ConnActors.Actors.Dht;

/// <summary>
/// Requests the DHT's server refuses without a penalty (<see cref="DhtCounters.Refused"/>): the sender broke no rule,
/// this node does not keep what it sent.
/// </summary>
public static class DhtRefusalReasons
{
    /// <summary>An ADD_PROVIDER entry naming another peer than the sender (the spec: only the sender is recorded).</summary>
    public const string ProviderNotSender = "provider is not the sender";

    public const string ProviderKeyFull = "provider key full";

    public const string ProviderStoreFull = "provider store full";

    /// <summary>A PUT_VALUE outside /pk/, or an invalid /pk/ record.</summary>
    public const string PutValueRefused = "put value refused";

    public static IReadOnlyList<string> All { get; } = [ProviderNotSender, ProviderKeyFull, ProviderStoreFull, PutValueRefused];
}
