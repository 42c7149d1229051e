using ConnActors.Actors.Bye;
using ConnActors.Actors.Store;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Politeness;
using ConnActors.Policy.Scoring;

namespace ConnActors.Actors.Ledger;

// What the node knows of peers beyond their connections: friends, named protections, penalties and the
// obligations remote byes put on us. Management changes are applied here once they are persisted.
internal sealed partial class ConnectionLedger
{
    /// <summary>Why <paramref name="address"/> cannot become a friend now, or null when it can.</summary>
    public string? WhyNotFriend(Multiaddr address)
    {
        if (address.PeerId is not { } peer) return $"a friend's address ends in /p2p/<peer id>: {address}";
        bool known = _peers.TryGetKey(peer, out var key) && (_friends.IsFriend(key) || _protections.IsProtected(key));
        return known || _policy.CanHoldAnotherPrivilegedPeer ? null
            : $"no room for another friend or protected peer ({_policy.PrivilegedPeers} held; raise connactors.peers.max-records)";
    }

    /// <summary>The friend's addresses after adding <paramref name="address"/> (for the peer store).</summary>
    public IReadOnlyList<Multiaddr> FriendAddressesWith(Multiaddr address)
    {
        var peer = address.PeerId!;
        var known = _peers.TryGetKey(peer, out var key) ? _friends.AddressesOf(key) : [];
        return known.Append(address).Distinct().ToList();
    }

    public void AddFriend(Multiaddr address, long nowMs, FriendOrigin origin = FriendOrigin.Operator)
    {
        var peer = address.PeerId ?? throw new ArgumentException("a friend's address ends in /p2p/<peer id>", nameof(address));
        var key = _peers.KeyFor(peer);
        var addresses = _friends.Add(key, address, origin);
        _policy.SetFriend(key, true, nowMs);
        _effects.Add(new FriendBecame(key, peer, addresses));
    }

    public void RemoveFriend(PeerId peer, long nowMs, FriendOrigin origin = FriendOrigin.Operator)
    {
        if (!_peers.TryGetKey(peer, out var key) || !_friends.Remove(key, origin)) return;
        _policy.SetFriend(key, false, nowMs);
        _effects.Add(new FriendDropped(key));
        ReleaseIfForgotten(key);
    }

    /// <summary>Why <paramref name="peer"/> cannot be protected now, or null when it can.</summary>
    public string? WhyNotProtect(PeerId peer) =>
        (_peers.TryGetKey(peer, out var key) && (_friends.IsFriend(key) || _protections.IsProtected(key))) || _policy.CanHoldAnotherPrivilegedPeer
            ? null
            : $"no room for another friend or protected peer ({_policy.PrivilegedPeers} held; raise connactors.peers.max-records)";

    public void Protect(PeerId peer, string tag, long nowMs)
    {
        var key = _peers.KeyFor(peer);
        _policy.SetProtected(key, _protections.Protect(key, tag), nowMs);
    }

    public void Unprotect(PeerId peer, string tag, long nowMs)
    {
        if (!_peers.TryGetKey(peer, out var key)) return;
        _policy.SetProtected(key, _protections.Unprotect(key, tag), nowMs);
        ReleaseIfForgotten(key);
    }

    /// <summary>Penalizes the peer; returns the penalty to persist (null when nothing is retained).</summary>
    public RecordPenalty? Penalize(PeerId peer, double amount, long nowMs)
    {
        var key = _peers.KeyFor(peer);
        _policy.Penalize(key, amount, nowMs);
        if (_policy.Penalties.Retained(key, nowMs) is not { } p) return null;
        _effects.Add(new SharePenalty(peer, p.Value, p.LastUpdateMs, p.RetainUntilMs));
        return new RecordPenalty(peer.ToString(), p.Value, p.LastUpdateMs, p.RetainUntilMs);
    }

    /// <summary>
    /// Whether a bye on connection <paramref name="id"/> is the first on it: a peer says bye once and closes, so a repeated
    /// one is ignored (each would persist an obligation and queue alternatives, as often as the peer liked). A bye on a
    /// connection already gone is taken (the close often overtakes it).
    /// </summary>
    public bool FirstByeOn(ConnectionId id)
    {
        if (!_connections.TryGet(id, out var record)) return true;
        if (record.ByeReceived) return false;
        record.ByeReceived = true;
        return true;
    }

    /// <summary>
    /// <paramref name="peer"/> said bye: its backoff hint, clamped by the honour ceiling, becomes the one
    /// obligation the dial queue honours and the peer store keeps; its alternatives are queued as background dials, those
    /// at addresses it may point this node at (<see cref="AddressScope.MayPointAt"/>: an IP and TCP address, and a private or
    /// loopback one only from a peer on such a network itself) and while the queue has room for background dials
    /// (<see cref="DialDesk.HasBackgroundRoom"/>). Returns how many alternatives were left out.
    /// </summary>
    public int RemoteBye(PeerId peer, ByeMessage bye, PeerId self, long nowMs)
    {
        var key = _peers.KeyFor(peer);
        var obligation = _dials.HonourBye(key, (long)bye.Backoff.TotalMilliseconds, nowMs);
        _policy.Retain(key, obligation.NotBeforeMs, nowMs);
        if (obligation.NotBeforeMs > nowMs) _effects.Add(new Persist(new RecordByeObligation(peer.ToString(), obligation.NotBeforeMs)));
        var sender = ReachOf(key);
        int leftOut = 0;
        foreach (var alternative in bye.Alternatives)
        {
            if (alternative.PeerId is not { } other || other.Equals(self) || other.Equals(peer)) continue;
            if (alternative.ToTcpEndPoint()?.Address is not { } ip || !AddressScope.MayPointAt(sender, AddressScope.Of(RemoteAddress.From(ip))) || !_dials.HasBackgroundRoom)
            {
                leftOut++;
                continue;
            }
            RequestDial(other, [alternative], (byte)Manager.DialPriority.Background, nowMs);
        }
        ReleaseIfForgotten(key);
        return leftOut;
    }

    // How far the peer's connection reaches (the bye came over one); public when none is known, the narrowest trust.
    private AddressReach ReachOf(PeerKey key) =>
        _connections.Of(key) is [var connection, ..] ? AddressScope.Of(connection.Address) : AddressReach.Public;

    /// <summary>Restores what the peer store holds (at start, or after a restart of the manager).</summary>
    public (int Friends, int Protections, int Obligations, int Penalties) Restore(PeerStoreState state, long nowMs)
    {
        int friends = 0, protections = 0, obligations = 0, penalties = 0;
        foreach (var friend in state.Friends.Values)
        {
            foreach (var text in friend.Multiaddrs)
            {
                if (!Multiaddr.TryParse(text, out var address) || address!.PeerId is null) continue;
                AddFriend(address, nowMs);
                friends++;
            }
        }
        foreach (var protection in state.Protections)
        {
            if (!PeerId.TryParse(protection.PeerId, out var peer)) continue;
            Protect(peer!, protection.Tag, nowMs);
            protections++;
        }
        foreach (var obligation in state.ByeObligations.Values)
        {
            if (!PeerId.TryParse(obligation.PeerId, out var peer)) continue;
            var key = _peers.KeyFor(peer!);
            _policy.Retain(key, _dials.RestoreObligation(key, obligation.NotBeforeMs, nowMs), nowMs);
            obligations++;
        }
        foreach (var penalty in state.Penalties.Values)
        {
            if (!PeerId.TryParse(penalty.PeerId, out var peer)) continue;
            _policy.RestorePenalty(new RetainedPenalty(_peers.KeyFor(peer!), penalty.Value, penalty.LastUpdateMs, penalty.RetainUntilMs), nowMs);
            penalties++;
        }
        return (friends, protections, obligations, penalties);
    }
}
