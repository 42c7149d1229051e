using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Actors.Ledger;
using ConnActors.Actors.Peers;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Store;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Policy;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Manager;

/// <summary>
/// One per node: a router between messages, the <see cref="ConnectionLedger"/> (bookkeeping), the policy
/// (decisions) and the host (carrying them out). Answers the host's gates, keeps a PeerActor per connected
/// or friend peer and a QuotaSupervisor per subsystem, runs dials and regulation rounds.
/// <para>
/// If it throws, Akka restarts it: the new incarnation rebuilds its ledger from the host's live connections
/// and the peer store before it serves again (supervisors are kept; peer actors are made anew). One that
/// fails more than <see cref="MaxRestarts"/> times a minute stops, and the node stops with it.
/// </para>
/// </summary>
public sealed partial class ConnectionManager : ReceiveActor, IWithTimers, IWithStash
{
    private const int MaxRestarts = 5;
    private const string RegulationTimer = "regulation";
    private const string DialPumpTimer = "dial-pump";

    private readonly ConnActorsSettings _settings;
    private readonly IClock _clock;
    private readonly IActorRef? _peerStore;
    private readonly ManagerIncarnations _incarnations;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ConnectionLedger _ledger;
    private readonly Dictionary<PeerKey, IActorRef> _peerActors = new();
    private readonly Dictionary<SubsystemId, IActorRef> _supervisors = new();
    private long _peerActorGeneration;
    private long _refusalsLogged;

    /// <summary>Use <see cref="Props"/>.</summary>
    public ConnectionManager(ConnActorsSettings settings, IClock clock, IActorRef? peerStore, ManagerIncarnations incarnations)
    {
        _settings = settings;
        _clock = clock;
        _peerStore = peerStore;
        _incarnations = incarnations;
        _ledger = new ConnectionLedger(settings, (ulong)clock.NowMs, incarnations.RouterEntries);
        foreach (var quota in settings.Quotas) Supervise(quota);
        Receive<AttachHost>(m => Attach(m.Host, Sender));
        Receive<RecoverFromRestart>(_ => Recover(_incarnations.Host!));
        ReceiveAny(_ => Stash.Stash());
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>Props of the manager; <paramref name="peerStore"/> (optional) persists friends, protections, obligations and penalties.</summary>
    public static Props Props(ConnActorsSettings settings, IClock clock, IActorRef? peerStore = null)
    {
        var incarnations = new ManagerIncarnations();
        return Akka.Actor.Props.Create(() => new ConnectionManager(settings, clock, peerStore, incarnations));
    }

    private long Now => _clock.NowMs;

    private Libp2pHost Host => _incarnations.Host!;

    // The quota supervisors outlive a restart (subsystems hold their refs); peer actors are rebuilt from the host.
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var child in Context.GetChildren())
        {
            if (!child.Path.Name.StartsWith("quota-", StringComparison.Ordinal)) Context.Stop(child);
        }
        PostStop();
    }

    /// <inheritdoc />
    protected override void PostRestart(Exception reason) => Self.Tell(RecoverFromRestart.Instance);

    private void Attach(Libp2pHost host, IActorRef attachedBy)
    {
        _incarnations.Host = host;
        Start(() => attachedBy.Tell(new CommandAck("host attached")));
        var limits = _ledger.Policy.Settings.Limits;
        // "hard cap N," is read by tests and tools: the router entries come after it.
        string router = _settings.RouterEntries > 0 ? $"router entries {_settings.RouterEntries} (hard cap {_settings.Policy.Limits.HardCap} configured), " : "";
        _log.Info($"connection manager serving {host.PeerId}: hard cap {limits.HardCap}, {router}high/low water {limits.HighWater}/{limits.LowWater}, " +
            $"outbound reserve {limits.OutboundReserve}, friend reserve {limits.FriendReserve}, {_supervisors.Count} subsystem(s), {_settings.Friends.Count} configured friend(s)");
        // A profile's cap is not checked against the process's open-file limit (auto derives it from that): under
        // systemd's usual soft limit of 1,024, server (2,000) and xl (20,000) fail to open connections long before it.
        long openFiles = Configuration.FileDescriptorLimit.Read();
        if (limits.HardCap > openFiles / 2)
            _log.Warning($"hard cap {limits.HardCap} is above half the process's open-file limit ({openFiles}, ulimit -n): connections will fail to open " +
                $"well before it; raise the limit (systemd: LimitNOFILE=) or lower connactors.limits.hard-cap (the profile auto stays below it)");
    }

    private void Recover(Libp2pHost host)
    {
        if (!_incarnations.MayRestart(Now, MaxRestarts, 60_000))
        {
            _log.Error("connection manager failed more than {0} times within a minute; stopping (the node stops with it)", MaxRestarts);
            Context.Stop(Self);
            return;
        }
        foreach (var supervisor in _supervisors.Values) supervisor.Tell(ClaimsReset.Instance);
        Start(() =>
        {
            foreach (var connection in host.Connections) Register(connection);
            _log.Warning("connection manager restarted and rebuilt its ledger: {0} connection(s) held by the host, {1} registered",
                host.Connections.Count, _ledger.Policy.Connections);
        });
    }

    // Configured friends, then what the peer store holds, then serve.
    private void Start(Action whenReady)
    {
        Timers.StartPeriodicTimer(RegulationTimer, RegulationTick.Instance, _settings.Regulation.Interval);
        // A member of a site with a budget admits nothing until the site gives it a share.
        if (_settings.Cluster is { Enabled: true, SiteBudget: > 0 })
        {
            _ledger.LeaseShare(_settings.Cluster.ShareLease);
            _ledger.SetShare(0, Now);
            _publishedShare = (_ledger.HardCap, _ledger.Grant, _ledger.LeaseFromMs);
        }
        // A node alone behind a router counts its entries there and caps its connections to leave room for ends that linger.
        if (_settings.RouterEntries > 0) _ledger.BehindRouter(_settings.RouterEntries, Now);
        foreach (var friend in _settings.Friends)
        {
            // A fleet's shared friends list names every member, this one too: the host would refuse the dial anyway.
            if (Host.PeerId.Equals(friend.PeerId)) _log.Warning("connactors.friends: {0} is this node itself; skipped", friend);
            else _ledger.AddFriend(friend, Now);
        }
        if (_peerStore is null)
        {
            Serve(whenReady);
            return;
        }
        _peerStore.Tell(GetPeerStoreState.Instance);
        Become(() =>
        {
            Receive<PeerStoreState>(state =>
            {
                var (friends, protections, obligations, penalties) = _ledger.Restore(state, Now);
                _log.Info("peer store restored: {0} friend address(es), {1} protection(s), {2} bye obligation(s), {3} penalty(ies)", friends, protections, obligations, penalties);
                Serve(whenReady);
            });
            ReceiveAny(_ => Stash.Stash());
        });
    }

    private void Serve(Action whenReady)
    {
        Perform();
        whenReady();
        Become(Running);
        Stash.UnstashAll();
    }

    private void Running()
    {
        Receive<CheckInboundAddress>(m => Answer(_ledger.InboundAttempt(m.Id, m.Remote, Now), m.Remote));
        Receive<CheckInboundPeer>(m => Answer(_ledger.InboundSecured(m.Id, m.Peer, m.Remote, Now), m.Remote, m.Peer));
        Receive<CheckOutboundPeer>(m => Answer(_ledger.OutboundSecured(m.Id, m.Peer, m.Remote, Now), m.Remote, m.Peer));
        Receive<CheckInboundStream>(m => Answer(_ledger.InboundStream(m.Id, m.Protocol, Now)));
        Receive<HostConnectionOpened>(m =>
        {
            Register(m.Connection);
            Regulate(checkMemory: false);
        });
        Receive<HostConnectionClosed>(m =>
        {
            var key = _ledger.Closed(m.Connection.Id, Now);
            if (key is not null) Context.System.EventStream.Publish(new ConnectionClosed(m.Connection.RemotePeer.ToString(), DirectionName(m.Connection.Direction), m.Reason));
            Tell(key, new PeerConnectionRemoved(m.Connection.Id, m.Reason));
        });
        Receive<HostConnectionFailed>(m =>
        {
            // Debug only: whoever sends garbage chooses how often this runs (the count is in the status and metrics).
            _log.Debug("connection attempt {0} failed before it opened: {1}", m.Id, m.Reason);
            _ledger.Failed(m.Id, Now, m.Reason);
            Perform();
        });
        Receive<HostStreamOpened>(m => Tell(_ledger.StreamOpened(m.Connection.Id, m.Protocol, Now), new PeerStreamOpened(m.Protocol)));
        Receive<HostStreamClosed>(m => Tell(_ledger.StreamClosed(m.Connection.Id, m.Bytes, Now), new PeerStreamClosed(m.Protocol)));
        Receive<HostIdentified>(m => Tell(_ledger.Identified(m.Connection.Id, m.Info.ListenAddresses, m.Info.Protocols), new PeerIdentified(m.Info)));
        Receive<RemoteByeReceived>(m =>
        {
            if (!_ledger.FirstByeOn(m.Connection))
            {
                _log.Debug("{0} said bye again on connection {1}: ignored", m.Peer, m.Connection);
                return;
            }
            int leftOut = _ledger.RemoteBye(m.Peer, m.Bye, Host.PeerId, Now);
            // Debug, not Info: the sender chooses how often this runs.
            _log.Debug("{0} said bye ({1}, backoff {2}); {3} alternative(s) offered, {4} left out", m.Peer, m.Bye.Reason, m.Bye.Backoff, m.Bye.Alternatives.Count, leftOut);
            PumpDials();
        });
        // Debug, not Warning: the sender chooses how often this runs; the stream is reset, the connection is unaffected.
        Receive<MalformedByeReceived>(m => _log.Debug("bye stream of {0} reset: {1}", m.Peer, m.Reason));
        Receive<DialPeer>(m =>
        {
            _ledger.RequestDial(m.Peer, m.Addresses, (byte)m.Priority, Now);
            PumpDials();
        });
        Receive<DialReturned>(m =>
        {
            _ledger.DialReturned(m.Id, m.Connection, m.Failure, Now);
            // Answered with a connection the host already had: nothing opened, but whoever waits is connected.
            if (m.Connection is { } id && id != m.Id && Host.Connection(id) is { } existing) QueryDialEnded(existing.RemotePeer, existing, null);
            PumpDials();
        });
        Receive<PumpDialsNow>(_ => PumpDials());
        Receive<SubsystemRequest>(m =>
        {
            var reply = _ledger.Subsystem(m.Subsystem, m.Request, Now);
            Perform();
            if (reply is not null) Sender.Tell(new SubsystemReply(reply, m.ReplyTo));
        });
        Receive<GetSubsystem>(m => Sender.Tell(new SubsystemRef(m.Name,
            _ledger.Policy.Quotas.Find(m.Name) is { } id && _supervisors.TryGetValue(id, out var supervisor) ? supervisor : null)));
        Receive<RegulationTick>(_ =>
        {
            _ledger.Tick(Now);
            PublishShare();
            Regulate(checkMemory: true);
            LogRefusalsIfChanged();
        });
        Receive<PeerIdle>(m => StopPeerActorIfIdle(m.Key));
        Receive<PeerStoreAck>(_ => { }); // acks of fire-and-forget records (bye obligations, penalties)
        ReceiveManagement();
        ReceiveFleet();
        ReceiveQueryDials();
    }

    private void Supervise(QuotaDefinition quota)
    {
        var enrollment = _ledger.Enroll(quota);
        if (enrollment.Outcome == EnrollmentOutcome.CounterProposed)
            _log.Warning("subsystem {0}: {1}; accepting reserved {2}, maximum {3}", quota.Name, enrollment.Reason, enrollment.Reserved, enrollment.Maximum);
        string name = $"quota-{quota.Name}";
        var existing = Context.Child(name);
        _supervisors[enrollment.Id] = existing.IsNobody()
            ? Context.ActorOf(QuotaSupervisor.Props(quota.Name, enrollment.Id, Self, _settings.Policy.Scoring, _clock), name)
            : existing;
    }

    private void Answer(GateDecision decision, Libp2p.Multiaddress.Multiaddr? remote = null, Libp2p.Identity.PeerId? peer = null)
    {
        Sender.Tell(decision);
        if (!decision.Allowed) Context.System.EventStream.Publish(new AdmissionRefused(decision.Reason ?? "refused", remote?.ToString(), peer?.ToString()));
        PublishShare(); // the gate may have found the share's lease lapsed
        Perform();
    }

    private static string DirectionName(Libp2p.Host.ConnectionDirection direction) => direction == Libp2p.Host.ConnectionDirection.Inbound ? "inbound" : "outbound";

    private void Register(Libp2pConnection connection)
    {
        var direction = connection.Direction.ToPolicy();
        if (_ledger.Opened(connection.Id, connection.RemotePeer, direction, connection.RemoteAddress, Now) is { } key)
        {
            Context.System.EventStream.Publish(new ConnectionAdmitted(connection.RemotePeer.ToString(), DirectionName(connection.Direction), connection.RemoteAddress.ToString()));
            PeerActorFor(key, connection.RemotePeer).Tell(new PeerConnectionAdded(connection));
            QueryDialEnded(connection.RemotePeer, connection, null);
            if (connection.RemoteIdentify is { } info) Self.Tell(new HostIdentified(connection, info));
        }
        Perform();
    }

    private void Tell(PeerKey? key, object message)
    {
        if (key is { } k && _peerActors.TryGetValue(k, out var actor)) actor.Tell(message);
        Perform();
    }

    private void Regulate(bool checkMemory)
    {
        _ledger.Regulate(Now, checkMemory ? Environment.WorkingSet : 0);
        Perform();
    }

    private void PumpDials()
    {
        _ledger.PumpDials(Host.NewConnectionId, Now);
        Perform();
    }

    private IActorRef PeerActorFor(PeerKey key, Libp2p.Identity.PeerId peer)
    {
        if (_peerActors.TryGetValue(key, out var actor)) return actor;
        actor = Context.ActorOf(PeerActor.Props(peer, key, Host, Self, _settings.Politeness.FriendReconnect, _clock), $"peer-{peer}-{++_peerActorGeneration}");
        _peerActors[key] = actor;
        return actor;
    }

    private void StopPeerActorIfIdle(PeerKey key)
    {
        if (!_ledger.MayForgetActorOf(key) || !_peerActors.Remove(key, out var actor)) return;
        Context.Stop(actor);
    }

    private void LogRefusalsIfChanged()
    {
        var counters = _ledger.Counters;
        if (counters.TotalRefusals == _refusalsLogged) return;
        _refusalsLogged = counters.TotalRefusals;
        _log.Info("admissions refused so far: {0}", string.Join(", ", counters.Refusals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
    }

    private sealed record RegulationTick
    {
        public static RegulationTick Instance { get; } = new();
    }

    private sealed record PumpDialsNow
    {
        public static PumpDialsNow Instance { get; } = new();
    }

    private sealed record RecoverFromRestart
    {
        public static RecoverFromRestart Instance { get; } = new();
    }
}
