using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Policy.Dht;

namespace ConnActors.Actors.Dht;

/// <summary>
/// The node's Kad-DHT (/ipfs/kad/1.0.0), a subsystem governed by the connection manager like any other:
/// every lookup is a burst of the dht subsystem (its query connections are enlisted, and are the first
/// to go once it ends); a query that needs a new connection first gets a dht slot from the subsystem's
/// QuotaSupervisor and dials through the manager's dial queue (admitted, and never inside a backoff or
/// bye window); the routing-table peers closest to us keep a dht slot while connected; answers that
/// led to a result are reported as usefulness; bad input costs the sender a penalty. Owns the routing
/// table and the stores; lookups run as messages (queries are tasks whose results come back here).
/// </summary>
internal sealed partial class DhtActor : ReceiveActor, IWithTimers, IWithStash
{
    private const string RefreshTimer = "refresh";
    private const string CleanupTimer = "cleanup";
    private const string ReprovideTimer = "reprovide";
    private const string RoutingSlotsTimer = "routing-slots";

    private readonly DhtSettings _settings;
    private readonly string _subsystem;
    private readonly Libp2pHost _host;
    private readonly IActorRef _manager;
    private readonly IClock _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RoutingTable _table;
    private readonly ProviderStore _providers;
    private readonly RecordStore _records;
    private readonly Random _random = new();
    private readonly Dictionary<string, byte[]> _provided = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _badInput = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly LookupTallies _tallies = new();
    // Routing-table peers holding a dht slot, those asked for one, and the running lookups' claims per peer.
    private readonly HashSet<PeerId> _routingHeld = new();
    private readonly HashSet<PeerId> _routingAsked = new();
    private readonly Dictionary<PeerId, int> _lookupClaims = new();
    private IActorRef _supervisor = ActorRefs.Nobody;
    private long _requestsServed;

    public DhtActor(DhtSettings settings, string subsystem, Libp2pHost host, IActorRef manager, IClock clock)
    {
        _settings = settings;
        _subsystem = subsystem;
        _host = host;
        _manager = manager;
        _clock = clock;
        _table = new RoutingTable(host.PeerId, settings.K, settings.ReplacementCache);
        _providers = new ProviderStore(settings.Providers);
        _records = new RecordStore(settings.RecordValidity, settings.MaxRecords);
        _slowQueries = new SlowQueryRule(settings.SlowQueryPercentile);
        Starting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    /// <summary>Props of the DHT; <paramref name="subsystem"/> is the quota subsystem that owns /ipfs/kad/1.0.0.</summary>
    public static Props Props(DhtSettings settings, string subsystem, Libp2pHost host, IActorRef manager, IClock clock) =>
        Akka.Actor.Props.Create(() => new DhtActor(settings, subsystem, host, manager, clock));

    private long Now => _clock.NowMs;

    protected override void PreStart() => _manager.Tell(new GetSubsystem(_subsystem));

    protected override void PostStop()
    {
        if (_settings.ServerMode) _host.RemoveStreamHandler(KadProtocol.Id);
    }

    private void Starting()
    {
        Receive<SubsystemRef>(m =>
        {
            if (m.Supervisor is null)
            {
                _log.Error("dht: no subsystem '{0}' is enrolled; the DHT stops", _subsystem);
                Context.Stop(Self);
                return;
            }
            _supervisor = m.Supervisor;
            if (_settings.ServerMode)
            {
                var handler = new DhtRequestHandler(Self, _settings.RequestTimeout);
                _host.SetStreamHandler(KadProtocol.Id, context => KadServer.ServeAsync(context, handler, _settings.Limits),
                    _settings.Limits.MaxInboundStreamsPerConnection);
            }
            Timers.StartPeriodicTimer(RefreshTimer, RefreshDue.Instance, _settings.RefreshInterval);
            Timers.StartPeriodicTimer(CleanupTimer, CleanupDue.Instance, _settings.CleanupInterval);
            Timers.StartPeriodicTimer(ReprovideTimer, ReprovideDue.Instance, _settings.ReprovideInterval);
            Timers.StartPeriodicTimer(RoutingSlotsTimer, RoutingSlotsDue.Instance, TimeSpan.FromSeconds(30));
            _log.Info("dht: {0} mode as {1}, subsystem '{2}', k {3}, alpha {4}, {5} bootstrap peer(s), {6} routing slot(s)",
                new object[] { _settings.ServerMode ? "server" : "client", _host.PeerId, _subsystem, _settings.K, _settings.Alpha, _settings.Bootstrap.Count, _settings.RoutingSlots });
            Become(Running);
            Stash.UnstashAll();
            Refresh();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Running()
    {
        ReceiveLookups();
        ReceiveSlotSharing();
        ReceiveServing();
        Receive<GetDhtStatus>(_ => Sender.Tell(Status()));
        Receive<SlotReply>(OnRoutingSlotReply);
        Receive<RoutingSlotsDue>(_ => UpdateRoutingSlots());
        Receive<RefreshDue>(_ => Refresh());
        Receive<CleanupDue>(_ =>
        {
            long now = Now;
            int providers = _providers.Prune(now), records = _records.Prune(now);
            if (providers + records > 0) _log.Debug("dht: dropped {0} expired provider record(s) and {1} value(s)", providers, records);
        });
        Receive<ReprovideDue>(_ =>
        {
            foreach (var key in _provided.Values) StartLookup(LookupKind.Provide, key, ActorRefs.Nobody);
        });
        Receive<CommandAck>(_ => { });
        Receive<Status.Failure>(f => _log.Warning(f.Cause, "dht: the manager refused a command"));
    }

    // ---- The routing table and the dht slots of its peers ----

    // A peer that answered a query, or that queried us and announces the protocol, runs a server: it
    // belongs in the table (the spec keeps clients out). Its addresses are what it told identify, else
    // what another peer reported.
    private void SeenServer(PeerId peer, IReadOnlyList<Libp2p.Multiaddress.Multiaddr> reported)
    {
        var listen = _host.ConnectionsTo(peer).Select(c => c.RemoteIdentify?.ListenAddresses).FirstOrDefault(a => a is { Count: > 0 });
        var addresses = (listen ?? reported).Take(_settings.Limits.MaxAddressesPerPeer).Select(a => a.WithoutPeerId()).ToList();
        if (addresses.Count == 0) return;
        if (_table.Add(new KadPeer(peer, addresses), Now) == RoutingUpdate.Added) UpdateRoutingSlots();
    }

    // A member that failed to answer leaves the table; the newest peer of its replacement cache takes its place.
    private void Unresponsive(PeerId peer)
    {
        var (removed, promoted) = _table.Remove(peer, Now);
        if (!removed) return;
        _log.Debug("dht: {0} left the routing table (no answer){1}", peer, promoted is null ? "" : $"; {promoted.Id} takes its place");
        UpdateRoutingSlots();
    }

    // The RoutingSlots table peers closest to us that are connected keep a dht slot; the others give theirs back.
    private void UpdateRoutingSlots()
    {
        var wanted = _table.Closest(_table.Self, _settings.RoutingSlots)
            .Select(p => p.Id)
            .Where(p => _host.ConnectionsTo(p).Any(c => !c.IsClosed))
            .ToHashSet();
        foreach (var peer in _routingHeld.Where(p => !wanted.Contains(p)).ToList())
        {
            _routingHeld.Remove(peer);
            ReleaseIfUnused(peer);
        }
        foreach (var peer in wanted)
        {
            if (_routingHeld.Contains(peer) || !_routingAsked.Add(peer)) continue;
            _supervisor.Tell(new RequestSlot(peer), Self);
        }
    }

    private void OnRoutingSlotReply(SlotReply reply)
    {
        if (!_routingAsked.Remove(reply.Peer)) return;
        if (reply.Granted) _routingHeld.Add(reply.Peer);
        else _log.Debug("dht: routing-table peer {0} got no dht slot ({1})", reply.Peer, reply.Outcome);
    }

    private void ClaimForLookup(PeerId peer) => _lookupClaims[peer] = _lookupClaims.GetValueOrDefault(peer) + 1;

    private void UnclaimForLookup(PeerId peer)
    {
        int claims = _lookupClaims.GetValueOrDefault(peer) - 1;
        if (claims > 0)
        {
            _lookupClaims[peer] = claims;
            return;
        }
        _lookupClaims.Remove(peer);
        ReleaseIfUnused(peer);
    }

    // A dht slot goes back once neither the routing table's closest nor a running lookup needs the peer.
    private void ReleaseIfUnused(PeerId peer)
    {
        if (_routingHeld.Contains(peer) || _routingAsked.Contains(peer) || _lookupClaims.ContainsKey(peer)) return;
        _supervisor.Tell(new ReleaseSlot(peer), Self);
    }

    private void Penalize(PeerId peer, string reason, string category)
    {
        _badInput[category] = _badInput.GetValueOrDefault(category) + 1;
        _log.Warning("dht: bad input from {0}: {1}; stream reset, penalty {2}", peer, reason, _settings.BadInputPenalty);
        _manager.Tell(new PenalizePeer(peer, _settings.BadInputPenalty), Self);
    }

    private DhtStatus Status() => new(
        _settings.ServerMode ? "server" : "client", _host.PeerId, _table.Count, _table.Buckets(), _routingHeld.ToList(),
        _running.Count, _waiting.Count,
        new DhtCounters(_lookupsDone, _hopsTotal, _queriesSent, _queriesFailed, _connectionsOpened, _requestsServed,
            new Dictionary<string, long>(_badInput), new Dictionary<string, long>(_refused), _tallies.Snapshot()) { LookupSlotsShared = _lookupSlotsShared, LookupRoomMade = _lookupRoomMade },
        _providers.Count, _providers.KeyCount, _records.Count, _provided.Count);

    private sealed record RefreshDue
    {
        public static RefreshDue Instance { get; } = new();
    }

    private sealed record CleanupDue
    {
        public static CleanupDue Instance { get; } = new();
    }

    private sealed record ReprovideDue
    {
        public static ReprovideDue Instance { get; } = new();
    }

    private sealed record RoutingSlotsDue
    {
        public static RoutingSlotsDue Instance { get; } = new();
    }
}
