using Akka.Event;
using Akka.Actor;
using ConnActors.Actors.Dialing;
using ConnActors.Actors.Peers;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    private void ReceiveManagement()
    {
        Receive<AddFriend>(m =>
        {
            AddFriendLocally(m.Address);
            Sender.Tell(new CommandAck($"friend {m.Address.PeerId} added"));
        });
        Receive<RemoveFriend>(m =>
        {
            if (_keys.TryGetKey(m.Peer, out var key) && _friends.Remove(key))
            {
                _policy.SetFriend(key, false, Now);
                _peerActors.GetValueOrDefault(key)?.Tell(StopBeingFriend.Instance);
            }
            Sender.Tell(new CommandAck($"friend {m.Peer} removed"));
        });
        Receive<GetManagerStatus>(_ => Sender.Tell(Status()));
        Receive<GetDialQueueStatus>(m => _dialQueue.Forward(m));
        Receive<GetSubsystem>(m => Sender.Tell(new SubsystemRef(m.Name, SupervisorOf(m.Name))));
        Receive<TrimNow>(_ =>
        {
            Regulate(checkMemory: false);
            Sender.Tell(new CommandAck("regulation round run"));
        });
        Receive<MemoryPressure>(_ =>
        {
            EmergencyTrim(Now);
            Sender.Tell(new CommandAck("emergency trim run"));
        });
    }

    private void AddFriendLocally(Multiaddr address)
    {
        var peer = address.PeerId ?? throw new ArgumentException("a friend's address ends in /p2p/<peer id>", nameof(address));
        var key = _keys.KeyFor(peer);
        var addresses = _friends.TryGetValue(key, out var known) ? known.Append(address).Distinct().ToList() : new List<Multiaddr> { address };
        _friends[key] = addresses;
        _policy.SetFriend(key, true, Now);
        PeerActorFor(key, peer).Tell(new BecomeFriend(addresses));
    }

    private void OnRemoteBye(RemoteByeReceived bye)
    {
        var key = _keys.KeyFor(bye.Peer);
        long backoffMs = (long)bye.Bye.Backoff.TotalMilliseconds;
        _byeObligations[key] = Math.Max(_byeObligations.GetValueOrDefault(key), Now + backoffMs);
        _dialQueue.Tell(new HonourRemoteBye(key, backoffMs));
        _log.Info("{0} said bye ({1}, backoff {2}); {3} alternative(s) offered", bye.Peer, bye.Bye.Reason, bye.Bye.Backoff, bye.Bye.Alternatives.Count);
        foreach (var alternative in bye.Bye.Alternatives)
        {
            if (alternative.PeerId is { } peer && !peer.Equals(Host.PeerId) && !peer.Equals(bye.Peer))
                Self.Tell(new DialPeer(peer, [alternative], DialPriority.Background));
        }
    }

    private ManagerStatus Status()
    {
        long now = Now;
        var limits = _settings.Policy.Limits;
        var subsystemNames = _policy.Quotas.All().ToDictionary(q => q.Id.Value, q => q.Name);
        var peers = _policy.Peers(now)
            .Where(p => _keys.TryGetPeer(p.Peer, out _))
            .Select(p => new PeerStatus(
                _keys.PeerOf(p.Peer).ToString(), p.Inbound, p.Outbound, p.IsFriend, p.IsProtected, Math.Round(p.Score, 2),
                subsystemNames.Where(s => (p.SubsystemClaims & (1u << s.Key)) != 0).Select(s => s.Value).ToList(), p.IsClosing))
            .OrderByDescending(p => p.Score)
            .ToList();
        return new ManagerStatus(
            Host.PeerId.ToString(),
            Host.ListenAddresses.Select(a => a.ToString()).ToList(),
            new ConnectionCounts(_policy.Connections, _policy.Inbound, _policy.Outbound, _policy.PendingInbound, _policy.PendingOutbound,
                limits.HardCap, limits.HighWater, limits.LowWater, limits.OutboundReserve, limits.FriendReserve),
            peers,
            _policy.Quotas.All().Select(q => new QuotaStatus(q.Name, q.Reserved, q.Maximum, q.Used)).ToList(),
            new Dictionary<string, long>(_refusals),
            new Dictionary<string, long>(_trims),
            _policy.ActiveBursts,
            _pendingDials.Values.Sum());
    }
}

/// <summary>Asks for the supervisor of a subsystem; answered with <see cref="SubsystemRef"/>.</summary>
public sealed record GetSubsystem(string Name);

/// <summary>The supervisor of subsystem <paramref name="Name"/>, or null when none is enrolled under that name.</summary>
public sealed record SubsystemRef(string Name, IActorRef? Supervisor);
