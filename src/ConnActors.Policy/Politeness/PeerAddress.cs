namespace ConnActors.Policy.Politeness;

/// <summary>Key of a per-address backoff entry.</summary>
internal readonly record struct PeerAddress(PeerKey Peer, AddressKey Address);
