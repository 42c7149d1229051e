namespace ConnActors.Policy.Bursts;

/// <summary>A burst in progress: a transaction-like group of short-lived connections (a DHT query).</summary>
public readonly record struct BurstId(int Value);
