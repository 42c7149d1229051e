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
            if (m.Address.PeerId is not { } peer)
            {
                Sender.Tell(new Status.Failure(new ArgumentException($"a friend's address ends in /p2p/<peer id>: {m.Address}")));
                return;
            }
            var known = _keys.TryGetKey(peer, out var k) && _friends.TryGetValue(k, out var addresses) ? addresses : [];
            var all = known.Append(m.Address).Distinct().Select(a => a.ToString()).ToList();
            PersistThen(new Store.AddFriend(peer.ToString(), all), () => AddFriendLocally(m.Address), $"friend {peer} added");
        });
        Receive<RemoveFriend>(m => PersistThen(new Store.RemoveFriend(m.Peer.ToString()), () =>
        {
            if (_keys.TryGetKey(m.Peer, out var key) && _friends.Remove(key))
            {
                RebuildFriendIps();
                _policy.SetFriend(key, false, Now);
                _peerActors.GetValueOrDefault(key)?.Tell(StopBeingFriend.Instance);
            }
        }, $"friend {m.Peer} removed"));
        Receive<ProtectPeer>(m => PersistThen(new Store.Protect(m.Peer.ToString(), m.Tag),
            () => SetProtection(_keys.KeyFor(m.Peer), m.Tag, true), $"{m.Peer} protected ({m.Tag})"));
        Receive<UnprotectPeer>(m => PersistThen(new Store.Unprotect(m.Peer.ToString(), m.Tag),
            () => SetProtection(_keys.KeyFor(m.Peer), m.Tag, false), $"{m.Peer} unprotected ({m.Tag})"));
        Receive<PenalizePeer>(m =>
        {
            if (!(m.Amount > 0) || !double.IsFinite(m.Amount))
            {
                Sender.Tell(new Status.Failure(new ArgumentOutOfRangeException(nameof(m.Amount), m.Amount, "a penalty is a positive number")));
                return;
            }
            var key = _keys.KeyFor(m.Peer);
            // The ledger decides the new value (decay, limit), so the penalty is applied first and acknowledged once stored.
            _policy.Penalize(key, m.Amount, Now);
            string what = $"{m.Peer} penalized by {m.Amount}";
            if (PenaltyRecordOf(key, m.Peer) is { } record) PersistThen(record, () => { }, what);
            else Sender.Tell(new CommandAck(what));
        });
        ReceivePersistenceResults();
        Receive<GetManagerStatus>(_ => Sender.Tell(Status()));
        Receive<GetDialQueueStatus>(m => _dialQueue.Forward(m));
        Receive<GetSubsystem>(m => Sender.Tell(new SubsystemRef(m.Name, SupervisorOf(m.Name))));
        Receive<TrimNow>(_ =>
        {
            Regulate(checkMemory: false);
            Sender.Tell(new CommandAck("regulation round run"));
        });
        Receive<ShutdownPolitely>(_ =>
        {
            Timers.Cancel(RegulationTimer);
            var bye = new Bye.ByeMessage(Bye.ByeReason.ShuttingDown, _settings.Bye.Backoff, [], "node shutting down");
            foreach (var actor in _peerActors.Values) actor.Tell(new CloseWithBye(bye, "shutting down"));
            _log.Info("shutting down: saying bye to {0} peer(s) and closing {1} connection(s)", _peerActors.Count, _policy.Connections);
            Sender.Tell(new CommandAck("closing all connections"));
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
        RebuildFriendIps();
        _policy.SetFriend(key, true, Now);
        PeerActorFor(key, peer).Tell(new BecomeFriend(addresses));
    }

    private void OnRemoteBye(RemoteByeReceived bye)
    {
        var key = _keys.KeyFor(bye.Peer);
        long backoffMs = (long)bye.Bye.Backoff.TotalMilliseconds;
        _byeObligations[key] = Math.Max(_byeObligations.GetValueOrDefault(key), Now + backoffMs);
        _dialQueue.Tell(new HonourRemoteBye(key, backoffMs));
        PersistByeObligation(bye.Peer, _byeObligations[key]);
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
        var tracked = _policy.Peers(now).Where(p => _keys.TryGetPeer(p.Peer, out _)).ToList();
        var trackedKeys = tracked.Select(p => p.Peer).ToHashSet();
        // Penalized peers are remembered after they are gone; they are listed too, with their penalty.
        var penalizedOnly = _policy.Penalties.Snapshot(now)
            .Where(p => !trackedKeys.Contains(p.Peer) && _keys.TryGetPeer(p.Peer, out _))
            .Select(p => new PeerStatus(_keys.PeerOf(p.Peer).ToString(), 0, 0, false, false, Math.Round(_policy.ScoreOf(p.Peer, now), 2), [], false,
                Math.Round(_policy.Penalties.PenaltyOf(p.Peer, now), 2)));
        var peers = tracked
            .Select(p => new PeerStatus(
                _keys.PeerOf(p.Peer).ToString(), p.Inbound, p.Outbound, p.IsFriend, p.IsProtected, Math.Round(p.Score, 2),
                subsystemNames.Where(s => (p.SubsystemClaims & (1u << s.Key)) != 0).Select(s => s.Value).ToList(), p.IsClosing,
                Math.Round(_policy.Penalties.PenaltyOf(p.Peer, now), 2)))
            .Concat(penalizedOnly)
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

/// <summary>Protects a peer from trims under a named tag; persisted.</summary>
public sealed record ProtectPeer(PeerId Peer, string Tag) : Messaging.IConnActorsMessage;

/// <summary>Removes a named protection; persisted.</summary>
public sealed record UnprotectPeer(PeerId Peer, string Tag) : Messaging.IConnActorsMessage;

/// <summary>Penalizes a peer (operator action, misbehaviour); remembered after it disconnects and persisted.</summary>
public sealed record PenalizePeer(PeerId Peer, double Amount) : Messaging.IConnActorsMessage;

/// <summary>Asks for the supervisor of a subsystem; answered with <see cref="SubsystemRef"/>.</summary>
public sealed record GetSubsystem(string Name);

/// <summary>The supervisor of subsystem <paramref name="Name"/>, or null when none is enrolled under that name.</summary>
public sealed record SubsystemRef(string Name, IActorRef? Supervisor);
