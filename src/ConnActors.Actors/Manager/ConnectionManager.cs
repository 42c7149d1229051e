using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Dialing;
using ConnActors.Actors.Peers;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Manager;

/// <summary>
/// One per node. Owns the policy engine and carries out its decisions on the libp2p host: answers the
/// host's gates (address, peer, stream) before resources are spent, keeps a PeerActor per connected or
/// friend peer, a QuotaSupervisor per subsystem and the dial queue, and runs regulation rounds.
/// Waits for <see cref="AttachHost"/> (the host is started with this actor as its gate) before serving.
/// </summary>
public sealed partial class ConnectionManager : ReceiveActor, IWithTimers, IWithStash
{
    private const string RegulationTimer = "regulation";

    private readonly ConnActorsSettings _settings;
    private readonly IClock _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ConnectionManagerPolicy _policy;
    private readonly PeerKeys _keys = new();
    private readonly TrimPlan _plan = new();
    private readonly Dictionary<string, PendingInbound> _pendingInbound = new(StringComparer.Ordinal);
    private readonly Dictionary<ConnectionId, RegisteredConnection> _connections = new();
    private readonly Dictionary<PeerKey, int> _pendingDials = new();
    private readonly Dictionary<PeerKey, IActorRef> _peerActors = new();
    private readonly Dictionary<PeerKey, IReadOnlyList<Multiaddr>> _listenAddresses = new();
    private readonly Dictionary<PeerKey, IReadOnlyList<Multiaddr>> _friends = new();
    private readonly Dictionary<PeerKey, long> _byeObligations = new();
    private readonly Dictionary<PeerKey, Peers.TrimPeer> _pendingTrims = new();
    private readonly Dictionary<string, SubsystemId> _subsystemOfProtocol = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ourProtocols = new(StringComparer.Ordinal);
    private readonly Dictionary<SubsystemId, IActorRef> _supervisors = new();
    private readonly Dictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _trims = new(StringComparer.Ordinal);
    private readonly IActorRef? _peerStore;
    private Libp2pHost? _host;
    private IActorRef _dialQueue = ActorRefs.Nobody;
    private long _peerActorGeneration;
    private long _refusalsLogged;

    /// <summary>Creates the manager; <paramref name="peerStore"/> (optional) persists friends and obligations.</summary>
    public ConnectionManager(ConnActorsSettings settings, IClock clock, IActorRef? peerStore)
    {
        _settings = settings;
        _clock = clock;
        _peerStore = peerStore;
        _policy = new ConnectionManagerPolicy(settings.Policy);
        EnrollSubsystems();
        WaitingForHost();
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>Props of the manager.</summary>
    public static Props Props(ConnActorsSettings settings, IClock clock, IActorRef? peerStore = null) =>
        Akka.Actor.Props.Create(() => new ConnectionManager(settings, clock, peerStore));

    private long Now => _clock.NowMs;

    private Libp2pHost Host => _host ?? throw new InvalidOperationException("no host attached");

    private void WaitingForHost()
    {
        Receive<AttachHost>(m =>
        {
            _host = m.Host;
            _dialQueue = Context.ActorOf(DialQueueActor.Props(m.Host, Self, _settings.Politeness, _clock), "dial-queue");
            foreach (var friend in _settings.Friends) AddFriendLocally(friend);
            Timers.StartPeriodicTimer(RegulationTimer, RegulationTick.Instance, _settings.Regulation.Interval);
            var limits = _settings.Policy.Limits;
            _log.Info($"connection manager serving {m.Host.PeerId}: hard cap {limits.HardCap}, high/low water {limits.HighWater}/{limits.LowWater}, " +
                $"outbound reserve {limits.OutboundReserve}, friend reserve {limits.FriendReserve}, {_supervisors.Count} subsystem(s), {_friends.Count} configured friend(s)");
            if (_peerStore is null)
            {
                StartServing(Sender);
                return;
            }
            var attachedBy = Sender;
            _peerStore.Tell(Store.GetPeerStoreState.Instance);
            Become(() => LoadingPeerStore(attachedBy));
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void StartServing(IActorRef attachedBy)
    {
        attachedBy.Tell(new CommandAck("host attached"));
        Become(Running);
        Stash.UnstashAll();
    }

    private void Running()
    {
        ReceiveGateQuestions();
        ReceiveHostEvents();
        ReceiveDialing();
        ReceiveSubsystemRequests();
        ReceiveManagement();
        Receive<RegulationTick>(_ => Regulate(checkMemory: true));
        Receive<PeerIdle>(m => StopPeerActorIfIdle(m.Key));
        Receive<Store.PeerStoreAck>(_ => { }); // acks of fire-and-forget records (bye obligations, penalties)
    }

    private void EnrollSubsystems()
    {
        foreach (var quota in _settings.Quotas)
        {
            var enrollment = _policy.Enroll(new QuotaRequest(quota.Name, quota.Reserved, quota.Maximum));
            switch (enrollment.Outcome)
            {
                case EnrollmentOutcome.Rejected:
                    throw new PolicyConfigurationException($"connactors.quotas.{quota.Name}", enrollment.Reason ?? "rejected");
                case EnrollmentOutcome.CounterProposed:
                    _log.Warning("subsystem {0}: {1}; accepting reserved {2}, maximum {3}", quota.Name, enrollment.Reason, enrollment.Reserved, enrollment.Maximum);
                    _policy.Quotas.AcceptCounterProposal(enrollment.Id);
                    break;
            }
            foreach (var protocol in quota.Protocols)
            {
                _subsystemOfProtocol[protocol] = enrollment.Id;
                _ourProtocols.Add(protocol);
            }
            _supervisors[enrollment.Id] = Context.ActorOf(QuotaSupervisor.Props(quota.Name, enrollment.Id, Self, _settings.Policy.Scoring, _clock), $"quota-{quota.Name}");
        }
    }

    private IActorRef PeerActorFor(PeerKey key, PeerId peer)
    {
        if (_peerActors.TryGetValue(key, out var actor)) return actor;
        actor = Context.ActorOf(PeerActor.Props(peer, key, Host, Self, _settings.Politeness.FriendReconnect, _clock),
            $"peer-{peer}-{++_peerActorGeneration}");
        _peerActors[key] = actor;
        return actor;
    }

    private void StopPeerActorIfIdle(PeerKey key)
    {
        if (!_peerActors.TryGetValue(key, out var actor)) return;
        if (_friends.ContainsKey(key)) return;
        if (_policy.View(key, Now) is { } view && (view.Inbound + view.Outbound > 0)) return;
        if (_pendingDials.ContainsKey(key)) return;
        Context.Stop(actor);
        _peerActors.Remove(key);
        _listenAddresses.Remove(key);
        ReleaseKeyIfForgotten(key);
    }

    // A key may be released only when nothing keyed by it matters any more: a new key for the same
    // peer would otherwise lose its penalty or let it dodge a bye obligation.
    private void ReleaseKeyIfForgotten(PeerKey key)
    {
        long now = Now;
        if (_policy.View(key, now) is not null || _policy.Penalties.PenaltyOf(key, now) > 0) return;
        if (_byeObligations.TryGetValue(key, out long notBefore))
        {
            if (notBefore > now) return;
            _byeObligations.Remove(key);
        }
        if (_keys.TryGetPeer(key, out var peer) && peer is not null) _keys.Release(peer);
    }

    private void CountRefusal(RefusalReason reason) => CountRefusal(reason.ToString());

    private void CountRefusal(string reason) => _refusals[reason] = _refusals.GetValueOrDefault(reason) + 1;

    private sealed record PendingInbound(RemoteAddress Address, PeerKey? Key);

    private sealed record RegisteredConnection(PeerKey Key, PeerId Peer, Policy.Admission.ConnectionDirection Direction, RemoteAddress Address);

    private sealed record RegulationTick
    {
        public static RegulationTick Instance { get; } = new();
    }
}

/// <summary>Gives the started host to the manager (answered with a <see cref="CommandAck"/>).</summary>
public sealed record AttachHost(Libp2pHost Host);
