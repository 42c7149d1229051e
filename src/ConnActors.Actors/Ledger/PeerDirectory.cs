using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;

namespace ConnActors.Actors.Ledger;

/// <summary>
/// Maps libp2p peer ids to the policy's compact <see cref="PeerKey"/>s, with what identify told us of each
/// peer's listen addresses. Keys are never reused, so state keyed by an old key can never be inherited by
/// another peer; a mapping is released once nothing about the peer is held any more.
/// </summary>
internal sealed class PeerDirectory
{
    private readonly Dictionary<PeerId, int> _keys = new();
    private readonly Dictionary<int, PeerId> _peers = new();
    private readonly Dictionary<PeerKey, IReadOnlyList<Multiaddr>> _listenAddresses = new();
    private int _next;

    public int Count => _keys.Count;

    public PeerKey KeyFor(PeerId peer)
    {
        if (_keys.TryGetValue(peer, out int key)) return new PeerKey(key);
        key = _next == int.MaxValue ? throw new InvalidOperationException("peer key space exhausted") : _next++;
        _keys.Add(peer, key);
        _peers.Add(key, peer);
        return new PeerKey(key);
    }

    public bool TryGetKey(PeerId peer, out PeerKey key)
    {
        bool found = _keys.TryGetValue(peer, out int value);
        key = new PeerKey(value);
        return found;
    }

    public bool TryGetPeer(PeerKey key, out PeerId peer) => _peers.TryGetValue(key.Value, out peer!);

    public PeerId PeerOf(PeerKey key) => _peers[key.Value];

    public void SetListenAddresses(PeerKey key, IReadOnlyList<Multiaddr> addresses) => _listenAddresses[key] = addresses;

    /// <summary>
    /// The first listen address the peer announced, with its own /p2p id (whatever id the announcement carried: a peer's
    /// identify is its word, and this address goes to others, as a bye's alternative or a handoff), or null.
    /// </summary>
    public Multiaddr? DialableAddress(PeerKey key) =>
        _listenAddresses.TryGetValue(key, out var addresses) && addresses.Count > 0 && TryGetPeer(key, out var peer)
            ? addresses[0].WithPeerId(peer)
            : null;

    public void ForgetListenAddresses(PeerKey key) => _listenAddresses.Remove(key);

    public void Release(PeerKey key)
    {
        if (_peers.Remove(key.Value, out var peer)) _keys.Remove(peer);
        _listenAddresses.Remove(key);
        if (_keys.Count == 0 && _peers.Count == 0)
        {
            _keys.TrimExcess();
            _peers.TrimExcess();
        }
    }
}
