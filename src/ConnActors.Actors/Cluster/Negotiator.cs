using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// One per member of a fleet, beside its ConnectionManager. Publishes the node's load (distributed data,
/// in memory), learns every member's, and keeps its manager told: what the fleet holds and who has room
/// (deduplication, handoffs), penalties recorded anywhere, fleet friends (every other member, and the
/// fleet-wide friends this member owns), and its share of the site budget (from the site allocator).
/// Messages from anything that is not a member of the cluster are refused and logged.
/// </summary>
public sealed partial class Negotiator : ReceiveActor, IWithTimers
{
    /// <summary>The name every member's Negotiator runs under (/user/negotiator), so members can address each other.</summary>
    public const string Name = "negotiator";

    private const string LoadTimer = "load";
    private const string LeaseTimer = "lease";
    private const string ProbeEchoTimer = "probe-echo";
    private static readonly LWWDictionaryKey<string, FleetLoad> LoadsKey = FleetDataKeys.Loads;
    private static readonly LWWDictionaryKey<string, SharedPenalty> PenaltiesKey = FleetDataKeys.Penalties;

    private readonly ClusterSettings _settings;
    private readonly IActorRef _manager;
    private readonly IClock _clock;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly IActorRef _replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FleetMembers _members;
    private readonly NegotiatorCounters _counters = new();
    private readonly HashSet<string> _fleetFriends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _penaltiesSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _shareVersions = new(StringComparer.Ordinal);
    private readonly MemberLease _lease;
    private readonly AllocatorWatch _watch;
    private long _probeEchoedAtMs = long.MinValue / 4;
    private long _appliedShareStep;
    private (ShareProposal Proposal, IActorRef From)? _heldProposal;
    private Address? _askedAllocator;

    public Negotiator(ClusterSettings settings, TimeSpan routerEntryLinger, IActorRef manager, IClock clock)
    {
        _settings = settings;
        _manager = manager;
        _clock = clock;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        _replicator = DistributedData.Get(Context.System).Replicator;
        _members = new FleetMembers(_cluster.SelfAddress.ToString(), (long)routerEntryLinger.TotalMilliseconds);
        _lease = new MemberLease(settings.Floor, settings.ShareLease);
        _watch = new AllocatorWatch(_members.Self, settings.AllocatorSilence);

        Receive<ClusterEvent.MemberStatusChange>(m => Changed(m.Member));
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            _members.Removed(m.Member, _clock.NowMs);
            Reconcile();
        });
        Receive<ClusterEvent.UnreachableMember>(m =>
        {
            _members.Reachable(m.Member, false);
            GiveUpShareIfCutOff();
            Reconcile();
            AllocatorMayHaveChanged();
        });
        Receive<ClusterEvent.ReachableMember>(m =>
        {
            _members.Reachable(m.Member, true);
            ForgiveOnReachable(m.Member);
            Reconcile();
            AllocatorMayHaveChanged();
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<PublishLoad>(_ =>
        {
            // The sample is taken after every share applied so far: its cap is at least that round's.
            long step = _appliedShareStep;
            _manager.Ask<LoadSample>(GetLoadSample.Instance, settings.LoadInterval)
                .PipeTo(Self, success: sample => new SampledLoad(sample, step), failure: _ => PublishLoad.Skipped);
        });
        Receive<SampledLoad>(Publish);
        Receive<PublishLoadSkipped>(_ => { });
        Receive<Changed>(c => c.Key.Equals(LoadsKey), c =>
        {
            _members.Loads(c.Get(LoadsKey).Entries);
            Reconcile();
        });
        Receive<Changed>(c => c.Key.Equals(PenaltiesKey), c => MergePenalties(c.Get(PenaltiesKey).Entries));
        Receive<PublishPenalty>(Share);
        Receive<OfferHandoff>(Offer);
        Receive<HandoffOffer>(TakeOffer);
        Receive<DialOutcome>(DialedForFleet);
        Receive<OfferExpired>(e => DialedForFleet(new DialOutcome(e.Peer, null, "no outcome in time")));
        Receive<HandoffAnswer>(Answered);
        Receive<ShareProposal>(Propose);
        Receive<RequestLease>(_ => RequestLeaseRenewal());
        Receive<ProbeEchoDue>(_ =>
        {
            _probeEchoedAtMs = _clock.NowMs;
            RequestLeaseRenewal();
        });
        Receive<LeaseGranted>(Renewed);
        Receive<ShareTaken>(t =>
        {
            _appliedShareStep = FleetLoad.StepOf(t.Version, t.Shrink);
            t.Allocator.Tell(new ShareApplied(t.Version, _members.Self, t.Cap, t.Shrink));
        });
        Receive<GetClusterStatus>(_ => Sender.Tell(Status()));
        Receive<IUpdateResponse>(_ => { });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary><paramref name="routerEntryLinger"/>: how long a member that left still counts its site's router entries (connactors.limits.router-entry-linger).</summary>
    public static Props Props(ClusterSettings settings, TimeSpan routerEntryLinger, IActorRef manager, IClock clock) =>
        Akka.Actor.Props.Create(() => new Negotiator(settings, routerEntryLinger, manager, clock));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        _replicator.Tell(Dsl.Subscribe(LoadsKey, Self));
        _replicator.Tell(Dsl.Subscribe(PenaltiesKey, Self));
        _manager.Tell(new AttachNegotiator(Self));
        Timers.StartPeriodicTimer(LoadTimer, PublishLoad.Instance, TimeSpan.Zero, _settings.LoadInterval);
        if (_settings.SiteBudget > 0) Timers.StartPeriodicTimer(LeaseTimer, RequestLease.Instance, _settings.LeaseRenewInterval);
    }

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Changed(Member member)
    {
        if (member.Status is MemberStatus.Removed) _members.Removed(member, _clock.NowMs);
        else _members.Seen(member);
        Reconcile();
        AllocatorMayHaveChanged();
    }

    private void AllocatorMayHaveChanged()
    {
        ReleaseHeldProposal();
        // A new allocator is asked at once rather than at the next renewal: the sooner it is quorate, the sooner it renews.
        if (_settings.SiteBudget > 0 && ElectedAllocator() is { } allocator && allocator != _askedAllocator) RequestLeaseRenewal();
    }

    private void ReleaseHeldProposal()
    {
        if (_heldProposal is var (proposal, from) && IsElected(from.Path.Address)) Self.Tell(proposal, from);
    }

    // The allocator as this member sees it: the oldest member Up, reachable from here and not suspected of silence.
    private Address? ElectedAllocator() => AllocatorElection.Elected(_members.All, _cluster.SelfAddress, Eligible);

    private bool IsElected(Address sender) => AllocatorElection.IsElected(_members.All, _cluster.SelfAddress, Eligible, sender);

    private bool Eligible(Address member) => _members.IsReachable(member.ToString()) && !_watch.IsSuspected(member.ToString());

    // The failure detector saw the suspected member unreachable and now reachable again: its fresh view overrules the
    // suspicion. (Not on other news: an unreachable, downed or removed member is left out anyway, and this node's site
    // allocator reads the membership from Cluster.State, which lags the events: forgiving then made it elect the dead
    // allocator for a moment and stand down.)
    private void ForgiveOnReachable(Member member)
    {
        if (!_watch.Forgive(member.Address.ToString())) return;
        _log.Info("no longer suspects the site allocator {0}: reachable again", member.Address);
        SuspicionsChanged();
    }

    // This node's site allocator elects itself as its Negotiator does: told whom the Negotiator suspects.
    private void SuspicionsChanged() =>
        Context.ActorSelection(new RootActorPath(_cluster.SelfAddress) / "user" / SiteAllocator.Name)
            .Tell(new AllocatorsSuspected(_watch.Suspected.ToList()));

    private void Publish(SampledLoad sampled)
    {
        var sample = sampled.Sample;
        var l = sample.Load;
        var load = new FleetLoad(_members.Self, _settings.Site, _settings.SiteBudget, _settings.Floor, _settings.Roles, sample.PeerId, sample.ListenAddresses,
            l.HardCap, l.MaxCap, l.Demand, l.Connections, l.Inbound, l.Outbound, l.Pending, l.Friends, l.HighWater, l.HeldPeers, _clock.NowMs, l.OpenSubsystems,
            l.RouterEntries, sampled.ShareStep, l.LowWater, l.Grant);
        _replicator.Tell(Dsl.Update(LoadsKey, LWWDictionary<string, FleetLoad>.Empty, WriteLocal.Instance, map =>
        {
            // The oldest member also drops the reports of members that left, so the map follows the membership.
            var updated = map.SetItem(_cluster, _members.Self, load);
            if (!IsOldest()) return updated;
            foreach (var gone in updated.Keys.Where(address => address != _members.Self && !_members.All.Any(m => m.Address.ToString() == address)).ToList())
                updated = updated.Remove(_cluster, gone);
            return updated;
        }));
        _counters.Published++;
    }

    // Everything derived from the membership and the loads: the ledger's view, and the fleet friends.
    private void Reconcile()
    {
        _manager.Tell(new UpdateFleetView(_members.View(_settings.Site, _settings.SiteBudget, _clock.NowMs)));
        var wanted = new Dictionary<string, Multiaddr>(StringComparer.Ordinal);
        foreach (var load in _members.MemberLoads)
        {
            if (load.Address == _members.Self || load.ListenAddresses.Count == 0 || !Multiaddr.TryParse(load.ListenAddresses[0], out var member)) continue;
            wanted[member!.PeerId!.ToString()] = member;
        }
        var up = _members.UpAddresses.ToList();
        foreach (var friend in _settings.FleetFriends)
        {
            if (FleetOwnership.OwnerOf(friend.PeerId!.ToString(), up) == _members.Self) wanted[friend.PeerId!.ToString()] = friend;
        }
        foreach (var (peer, address) in wanted)
        {
            if (_fleetFriends.Add(peer)) _manager.Tell(new FleetFriend(address, Add: true));
        }
        foreach (var peer in _fleetFriends.Where(p => !wanted.ContainsKey(p)).ToList())
        {
            _fleetFriends.Remove(peer);
            _manager.Tell(new FleetFriend(Multiaddr.Parse($"/p2p/{peer}"), Add: false));
        }
    }

    // A member on the side the resolver (keep-majority) will down lets go of its share at once: the others take
    // it once it is removed (the allocator gives it back if it becomes reachable again). Keep-majority keeps
    // the larger side and, between equal halves, the one holding the lowest address.
    private void GiveUpShareIfCutOff()
    {
        if (_settings.SiteBudget <= 0 || _lease.Grant == 0) return;
        var up = _members.All.Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp).Select(m => m.Address).ToList();
        var ours = up.Where(a => a.ToString() == _members.Self || _members.IsReachable(a.ToString())).ToList();
        if (!ResolverSide.WillBeDowned(up.Count, ours.Count, ours.Contains(up.Min(Member.AddressOrdering)!))) return;
        _log.Warning("cut off from the majority of the fleet ({0} of {1} members reachable): holding no share of site '{2}' until reachable", ours.Count, up.Count, _settings.Site);
        _manager.Tell(new SetHardCap(_lease.Shrink(0)));
    }

    private void Share(PublishPenalty p)
    {
        var shared = new SharedPenalty(p.Peer.ToString(), p.Value, p.LastUpdateMs, p.RetainUntilMs, _members.Self);
        _penaltiesSeen[shared.PeerId] = shared.LastUpdateMs;
        _replicator.Tell(Dsl.Update(PenaltiesKey, LWWDictionary<string, SharedPenalty>.Empty, new WriteAll(TimeSpan.FromSeconds(1)), map =>
        {
            var updated = map.SetItem(_cluster, shared.PeerId, shared);
            // Each member drops the entries it recorded that have expired.
            long now = _clock.NowMs;
            foreach (var (peer, old) in updated.Entries.Where(e => e.Value.Origin == _members.Self && e.Value.RetainUntilMs <= now).ToList())
                updated = updated.Remove(_cluster, peer);
            return updated;
        }));
        _counters.PenaltiesShared++;
    }

    private void MergePenalties(IReadOnlyDictionary<string, SharedPenalty> penalties)
    {
        long now = _clock.NowMs;
        foreach (var penalty in penalties.Values)
        {
            if (penalty.Origin == _members.Self || penalty.RetainUntilMs <= now) continue;
            if (_penaltiesSeen.TryGetValue(penalty.PeerId, out long seen) && seen >= penalty.LastUpdateMs) continue;
            _penaltiesSeen[penalty.PeerId] = penalty.LastUpdateMs;
            if (!PeerId.TryParse(penalty.PeerId, out var peer)) continue;
            _manager.Tell(new MergeSharedPenalty(peer!, penalty.Value, penalty.LastUpdateMs, penalty.RetainUntilMs));
            _counters.PenaltiesMerged++;
        }
        foreach (var gone in _penaltiesSeen.Keys.Where(p => !penalties.ContainsKey(p)).ToList()) _penaltiesSeen.Remove(gone);
    }

    // The allocator's rounds: shrinks apply at once (the smaller of the two caps), grows only in their own phase, which
    // the allocator starts once every member has acknowledged its shrink, and only from the allocator and epoch that
    // last extended this member's lease (a grow of an earlier epoch is refused: MemberLease.TakesGrowFrom).
    private void Propose(ShareProposal proposal)
    {
        if (!FromMember("share proposal")) return;
        _heldProposal = null;
        if (!IsElected(Sender.Path.Address))
        {
            // While the allocator changes hands, a late proposal of the one that stood down must not undo the new
            // one's shrink. The new one's may come before this member has seen the change: held until it has.
            _log.Info("held a share proposal from {0}: not the allocator this member sees elected", Sender.Path.Address);
            _heldProposal = (proposal, Sender);
            return;
        }
        string allocator = (Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address).ToString();
        if (_shareVersions.TryGetValue(allocator, out long seen) && proposal.Version < seen) return;
        if (!proposal.Shrink && !_lease.TakesGrowFrom(allocator, proposal.Epoch))
        {
            _log.Info("refused a grow to {0} from {1}: its epoch did not renew this member's lease", proposal.Cap, allocator);
            return;
        }
        _shareVersions.Clear();
        _shareVersions[allocator] = proposal.Version;
        int cap = proposal.Shrink ? _lease.Shrink(proposal.Cap) : proposal.Cap;
        if (!proposal.Shrink) _lease.Grow(cap);
        var replyTo = Sender;
        long version = proposal.Version;
        bool shrink = proposal.Shrink;
        _manager.Ask<HardCapApplied>(new SetHardCap(cap), TimeSpan.FromSeconds(5))
            .PipeTo(Self, success: applied => new ShareTaken(version, applied.Cap, replyTo, shrink));
    }

    // The share's lease: asked of the allocator this member sees elected, timed from this request's stamp (the
    // ledger enforces it on its own: ShareLease.EffectiveCap). The request echoes that allocator's last stamp, says when
    // this member last heard from any other allocator, and what its lease allows now (LeaseReport).
    // Before each request the member reviews its suspicions (AllocatorSilence): an allocator silent too long is left
    // out of its election, and this request already goes to the next.
    private void RequestLeaseRenewal()
    {
        // A member still joining asks nobody: it holds no share yet, and the allocator may not have heard of it (every
        // member has once it is Up: the leader moves a member Up only when all have seen it), so it would be refused.
        if (!_members.All.Any(m => m.Address == _cluster.SelfAddress && m.Status != MemberStatus.Joining)) return;
        long now = _clock.NowMs;
        var asked = _askedAllocator;
        bool suspecting = _watch.Suspected.Count > 0;
        if (_watch.Review(now))
        {
            if (asked is not null && _watch.IsSuspected(asked.ToString()))
            {
                _counters.AllocatorsSuspected++;
                _log.Warning("suspects the site allocator {0}: it left this member's lease requests unanswered for {1} ms; asks {2}", asked,
                    _settings.AllocatorSilence.SuspectAfterMs, ElectedAllocator()?.ToString() ?? "nobody");
            }
            else if (suspecting && _watch.Suspected.Count == 0)
            {
                _log.Info("no longer suspects any site allocator (the hold ran out, or {0}, asked instead, did not answer either); asks {1}", asked,
                    ElectedAllocator()?.ToString() ?? "nobody");
            }
            SuspicionsChanged();
            ReleaseHeldProposal();
        }
        if (ElectedAllocator() is not { } allocator) return;
        _askedAllocator = allocator;
        string name = allocator.ToString();
        _watch.Asked(name, now);
        var other = _watch.LastOther(name);
        Context.ActorSelection(new RootActorPath(allocator) / "user" / SiteAllocator.Name)
            .Tell(new LeaseRequest(now, _watch.EchoOf(name), other?.StampMs ?? -1, other is { } o ? now - o.AtMs : -1, _lease.InForce(now), _settings.Site));
        _counters.Sent++;
    }

    private void Renewed(LeaseGranted granted)
    {
        if (!FromMember("lease renewal")) return;
        var allocator = Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address;
        // Every answer counts as a contact, whoever sent it: this member may echo it, so that allocator may act on it.
        _watch.Answered(allocator.ToString(), granted.AllocatorStampMs, _clock.NowMs);
        if (!IsElected(allocator)) return; // a late answer of one that stood down
        if (granted.IsProbe)
        {
            EchoProbe();
            return;
        }
        _lease.Renewed(allocator.ToString(), granted.Epoch, granted.StampMs, granted.Bound);
        _manager.Tell(new RenewShareLease(granted.StampMs, granted.Bound));
    }

    private bool FromMember(string what)
    {
        // A message without a sender arrives from deadLetters, which looks local: it is refused like a stranger's.
        var from = Sender.Path.Address;
        if (!Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters) && (from.HasLocalScope || _members.IsMember(from))) return true;
        _log.Warning("refused a {0} from {1}: not a member of this cluster", what, Sender.Path.Address);
        _counters.Refused++;
        return false;
    }

    // A probe renews nothing; echoing it soon makes a new allocator quorate soon, paced by ShareLease.ProbeEchoWaitMs
    // (a later echo waits on a timer).
    private void EchoProbe()
    {
        long now = _clock.NowMs;
        long wait = ShareLease.ProbeEchoWaitMs(_probeEchoedAtMs, now, (long)_settings.LeaseRenewInterval.TotalMilliseconds);
        if (wait == 0)
        {
            _probeEchoedAtMs = now;
            RequestLeaseRenewal();
        }
        else if (!Timers.IsTimerActive(ProbeEchoTimer))
        {
            Timers.StartSingleTimer(ProbeEchoTimer, ProbeEchoDue.Instance, TimeSpan.FromMilliseconds(wait));
        }
    }

    // The member that keeps the replicated loads tidy: the oldest Up, whatever its reachability (one writer is enough).
    private bool IsOldest() => AllocatorElection.Elected(_members.All, _cluster.SelfAddress, _ => true) == _cluster.SelfAddress;

    private ActorSelection NegotiatorOf(Address address) => Context.ActorSelection(new RootActorPath(address) / "user" / Name);

    private ClusterStatus Status()
    {
        var state = _cluster.State;
        var members = state.Members.Select(m =>
        {
            var load = _members.LoadOf(m.Address.ToString());
            return new ClusterMemberStatus(m.Address.ToString(), m.Status.ToString(), m.Roles.OrderBy(r => r).ToList(), load?.Site ?? "",
                load?.HardCap ?? 0, load?.Connections ?? 0, !state.Unreachable.Contains(m));
        }).ToList();
        var sites = _members.MemberLoads.Where(l => l.SiteBudget > 0).GroupBy(l => l.Site)
            .Select(g => new SiteStatus(g.Key, g.Min(l => l.SiteBudget), g.ToDictionary(l => l.Address, l => l.HardCap))).ToList();
        return new ClusterStatus(_members.Self, members, sites, _counters.Snapshot());
    }

    private sealed record PublishLoad
    {
        public static PublishLoad Instance { get; } = new();

        public static PublishLoadSkipped Skipped { get; } = new();
    }

    private sealed record PublishLoadSkipped;

    private sealed record RequestLease
    {
        public static RequestLease Instance { get; } = new();
    }

    private sealed record ProbeEchoDue
    {
        public static ProbeEchoDue Instance { get; } = new();
    }

    private sealed record ShareTaken(long Version, int Cap, IActorRef Allocator, bool Shrink);

    private sealed record SampledLoad(LoadSample Sample, long ShareStep);
}
