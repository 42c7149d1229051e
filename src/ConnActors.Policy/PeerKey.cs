namespace ConnActors.Policy;

/// <summary>
/// A compact handle for a peer inside the policy. The caller (actor layer or simulator) maps its own
/// identity (a libp2p PeerId, a simulated node number) to a dense non-negative integer, which lets the
/// policy index peers in flat arrays without hashing or allocating on hot paths.
/// </summary>
public readonly record struct PeerKey(int Value)
{
    /// <inheritdoc />
    public override string ToString() => $"peer#{Value}";
}

/// <summary>
/// A compact handle for one dialable address of a peer (for example a stable hash of a multiaddr).
/// </summary>
public readonly record struct AddressKey(ulong Value)
{
    /// <inheritdoc />
    public override string ToString() => $"addr#{Value:x16}";
}
