using ConnActors.Actors.Host;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Admission;

namespace ConnActors.Actors.Ledger;

/// <summary>Who made a peer a friend: the operator (persisted) and/or the fleet (members, fleet-wide friends; not persisted).</summary>
[Flags]
internal enum FriendOrigin : byte
{
    Operator = 1,
    Fleet = 2,
}

/// <summary>Friends and the addresses they are reached at, with the set of their IPs for the address gate.</summary>
internal sealed class FriendBook
{
    private readonly Dictionary<PeerKey, (IReadOnlyList<Multiaddr> Addresses, FriendOrigin Origins)> _friends = new();
    private readonly HashSet<RemoteAddress> _ips = new();

    public int Count => _friends.Count;

    public IEnumerable<PeerKey> Keys => _friends.Keys;

    public bool IsFriend(PeerKey key) => _friends.ContainsKey(key);

    public bool IsFriendAddress(in RemoteAddress address) => _ips.Contains(address);

    public IReadOnlyList<Multiaddr> AddressesOf(PeerKey key) => _friends.TryGetValue(key, out var friend) ? friend.Addresses : [];

    /// <summary>Adds the friend (or another address, or another origin of it); returns every address known for it.</summary>
    public IReadOnlyList<Multiaddr> Add(PeerKey key, Multiaddr address, FriendOrigin origin = FriendOrigin.Operator)
    {
        var addresses = _friends.TryGetValue(key, out var known) ? known.Addresses.Append(address).Distinct().ToList() : [address];
        _friends[key] = (addresses, known.Origins | origin);
        _ips.Add(Addresses.ToRemoteAddress(address));
        return addresses;
    }

    /// <summary>Drops one origin of the friend; true when that was the last (the peer is no longer a friend).</summary>
    public bool Remove(PeerKey key, FriendOrigin origin = FriendOrigin.Operator)
    {
        if (!_friends.TryGetValue(key, out var friend) || (friend.Origins & origin) == 0) return false;
        var left = friend.Origins & ~origin;
        if (left != 0)
        {
            _friends[key] = (friend.Addresses, left);
            return false;
        }
        _friends.Remove(key);
        _ips.Clear();
        foreach (var (addresses, _) in _friends.Values)
        {
            foreach (var address in addresses) _ips.Add(Addresses.ToRemoteAddress(address));
        }
        return true;
    }
}
