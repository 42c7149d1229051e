namespace ConnActors.Libp2p.Host;

/// <summary>
/// Identifies one connection attempt end to end: given at accept (inbound) or when a dial starts (outbound),
/// passed to every gate question, every observer event and every command about it, and kept by the
/// established <see cref="Libp2pConnection"/>. Unique within a host's lifetime; never reused.
/// An outbound attempt may try several addresses of one peer in turn under the same id.
/// </summary>
public readonly record struct ConnectionId(long Value)
{
    public override string ToString() => $"#{Value}";
}
