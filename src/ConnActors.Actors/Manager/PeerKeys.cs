using ConnActors.Libp2p.Identity;
using ConnActors.Policy;

namespace ConnActors.Actors.Manager;

/// <summary>
/// Maps libp2p peer ids to the policy's compact <see cref="PeerKey"/>s. Keys are never reused, so state
/// keyed by an old key (backoff, penalties) can never be inherited by another peer; mappings of peers
/// the node has nothing to remember about are released.
/// </summary>
internal sealed class PeerKeys
{
    private readonly Dictionary<PeerId, int> _keys = new();
    private readonly Dictionary<int, PeerId> _peers = new();
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

    public PeerId PeerOf(PeerKey key) => _peers[key.Value];

    public bool TryGetPeer(PeerKey key, out PeerId? peer) => _peers.TryGetValue(key.Value, out peer);

    public void Release(PeerId peer)
    {
        if (_keys.Remove(peer, out int key)) _peers.Remove(key);
    }
}
