using ConnActors.Actors.Host;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Admission;

namespace ConnActors.Actors.Ledger;

/// <summary>Friends and the addresses they are reached at, with the set of their IPs for the address gate.</summary>
internal sealed class FriendBook
{
    private readonly Dictionary<PeerKey, IReadOnlyList<Multiaddr>> _friends = new();
    private readonly HashSet<RemoteAddress> _ips = new();

    public int Count => _friends.Count;

    public IEnumerable<PeerKey> Keys => _friends.Keys;

    public bool IsFriend(PeerKey key) => _friends.ContainsKey(key);

    public bool IsFriendAddress(in RemoteAddress address) => _ips.Contains(address);

    public IReadOnlyList<Multiaddr> AddressesOf(PeerKey key) => _friends.TryGetValue(key, out var addresses) ? addresses : [];

    /// <summary>Adds the friend or another address of it; returns every address known for it.</summary>
    public IReadOnlyList<Multiaddr> Add(PeerKey key, Multiaddr address)
    {
        var addresses = _friends.TryGetValue(key, out var known) ? known.Append(address).Distinct().ToList() : [address];
        _friends[key] = addresses;
        _ips.Add(Addresses.ToRemoteAddress(address));
        return addresses;
    }

    public bool Remove(PeerKey key)
    {
        if (!_friends.Remove(key)) return false;
        _ips.Clear();
        foreach (var addresses in _friends.Values)
        {
            foreach (var address in addresses) _ips.Add(Addresses.ToRemoteAddress(address));
        }
        return true;
    }
}
