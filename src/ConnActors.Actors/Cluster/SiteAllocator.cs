using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ConnActors.Actors.Time;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// The fleet's site allocator: every member runs one, the oldest member that is Up and reachable allocates, as each
/// member sees it (<see cref="AllocatorElection"/>). For every site with a budget
/// it splits the budget between the site's members (<see cref="SiteAllocation"/>, by their published
/// demand) and carries the split out in shrink-then-grow rounds (<see cref="SiteRound"/>), so the sum of the
/// members' hard caps never exceeds the budget while members join, leave or crash. A new member starts with
/// no share and gets its floor from the others first. What it may do at all is the lease book's
/// (<see cref="LeaseBook"/>): several members may believe they allocate at once, and the budget holds by its rules.
/// </summary>
public sealed class SiteAllocator : ReceiveActor, IWithTimers
{
    /// <summary>The allocator's name under /user.</summary>
    public const string Name = "site-allocator";

    private const string TickTimer = "tick";
    private const string LookTimer = "look";
    private static readonly LWWDictionaryKey<string, FleetLoad> LoadsKey = FleetDataKeys.Loads;
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(2);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, SiteRound> _rounds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _applied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _appliedSteps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _shortfalls = new(StringComparer.Ordinal);
    private readonly HashSet<Address> _downed = [];
    private readonly MemberView _members = new();
    private HashSet<string> _suspected = new(StringComparer.Ordinal);
    private readonly LeaseBook _leases;
    private readonly IClock _clock;
    private readonly TimeSpan _interval;
    private IReadOnlyDictionary<string, FleetLoad> _loads = new Dictionary<string, FleetLoad>();
    private long _version;
    private bool _elected;
    private long? _epoch;
    private bool _memberGoneDuringRound;
    private DateTime _lastSend;
    private long _notQuorateLoggedMs = long.MinValue;
    private (LeaseRequest Request, IActorRef From)? _earlyRequest;

    public SiteAllocator(TimeSpan interval, ShareLeaseTimings leases, IClock clock)
    {
        _leases = new LeaseBook(leases);
        _clock = clock;
        _interval = interval;
        Receive<Changed>(c => c.Key.Equals(LoadsKey), c =>
        {
            bool first = _loads.Count == 0;
            _loads = FleetLoad.AsReported(c.Get(LoadsKey).Entries);
            if (first) Allocate(); // the first loads this member sees: split at once rather than a tick later
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            _members.Removed(m.Member);
            _downed.Remove(m.Member.Address);
            Left(m.Member.Address.ToString());
        });
        Receive<ClusterEvent.MemberDowned>(m =>
        {
            _members.Seen(m.Member);
            _downed.Add(m.Member.Address);
            Allocate(); // at once: this member may take over allocating
        });
        Receive<ClusterEvent.MemberStatusChange>(m =>
        {
            _members.Seen(m.Member);
            if (m.Member.Address == _cluster.SelfAddress && _earlyRequest is var (request, from))
            {
                _earlyRequest = null;
                Self.Tell(request, from);
            }
            Allocate(); // at once: this member may now be the allocator
        });
        Receive<ClusterEvent.UnreachableMember>(m =>
        {
            _members.Reachable(m.Member, false);
            Allocate(); // at once: the allocator this member sees elected may change
        });
        Receive<ClusterEvent.ReachableMember>(m =>
        {
            _members.Reachable(m.Member, true);
            Allocate();
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<AllocatorsSuspected>(s => Sender.Path.Address.HasLocalScope, s =>
        {
            _suspected = s.Allocators.ToHashSet(StringComparer.Ordinal);
            Allocate(); // at once: this member may take over allocating
        });
        Receive<ShareApplied>(OnApplied);
        Receive<LeaseRequest>(OnLeaseRequest);
        Receive<Tick>(_ => Allocate());
        Receive<IUpdateResponse>(_ => { });
        Timers.StartPeriodicTimer(TickTimer, Tick.Instance, interval);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan interval, ShareLeaseTimings leases, IClock clock) =>
        Akka.Actor.Props.Create(() => new SiteAllocator(interval, leases, clock));

    /// <inheritdoc />
    protected override void PreStart()
    {
        DistributedData.Get(Context.System).Replicator.Tell(Dsl.Subscribe(LoadsKey, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Allocate()
    {
        if (!Elected()) return;
        Split();
        // The book's next change by time alone (a dead member's lease lapsing, the predecessor no longer able to act) is
        // acted on when it comes, not up to a tick later.
        long now = _clock.NowMs;
        if (_leases.NextChangeMs(now) is { } next && next - now < (long)_interval.TotalMilliseconds)
            Timers.StartSingleTimer(LookTimer, Tick.Instance, TimeSpan.FromMilliseconds(next - now + 1));
    }

    private void Split()
    {
        long now = _clock.NowMs;
        var members = Members();
        Book(members, now);
        // Members whose lease this allocator renewed lately take part in the split; what the others may still hold
        // (a crashed member, one cut off, one whose actors stall) is kept out of it until their leases have lapsed.
        var live = _loads.Values.Where(l => l.SiteBudget > 0 && members.ContainsKey(l.Address) && _leases.Live(l.Address, now))
            .Select(l => l.Address).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, r) in _rounds.ToList())
        {
            if (r.Pending.Keys.All(live.Contains)) continue;
            _log.Info("site {0}: round {1} dropped: {2} no longer renew(s) their lease", key, r.Version, string.Join(", ", r.Pending.Keys.Where(m => !live.Contains(m))));
            _rounds.Remove(key);
        }
        if (!_leases.MaySplit(now))
        {
            if (now - _notQuorateLoggedMs >= 10_000)
                _log.Info("site allocator on {0}: no new split (quorate: {1}; another allocator may have acted until {2} ms ago)", _cluster.SelfAddress,
                    _leases.Quorate(now), _leases.OthersActedBy is { } others ? (now - others).ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown");
            _notQuorateLoggedMs = now;
            NewEpoch();
            return;
        }
        NewEpoch();
        foreach (var site in _loads.Values.Where(l => l.SiteBudget > 0 && live.Contains(l.Address)).GroupBy(l => l.Site))
        {
            if (_rounds.TryGetValue(site.Key, out var round))
            {
                Resend(round, site.Key);
                continue;
            }
            // The budget is split between the members that are up; one that is leaving (or down, not yet
            // removed) still holds its share until it gives it back, so the round takes it to 0 first.
            var up = site.Where(l => members[l.Address].Status is MemberStatus.Up or MemberStatus.WeaklyUp && !_downed.Contains(members[l.Address].Address)).ToList();
            int configured = site.Min(l => l.SiteBudget); // members that disagree get the smallest: never more than any of them allows
            int budget = Math.Max(0, configured - _leases.ReservedOutside(site.Key, live, now));
            var split = SiteAllocation.Allocate(budget, up.Select(l => new SiteMember(l.Address, l.Demand, l.Floor, l.Friends, l.MaxCap)).ToList());
            if (_shortfalls.GetValueOrDefault(site.Key) != split.Shortfall && split.Shortfall is not null)
                _log.Error("site {0}: {1}", site.Key, split.Shortfall);
            _shortfalls[site.Key] = split.Shortfall;
            var targets = site.ToDictionary(l => l.Address, l => split.Caps.GetValueOrDefault(l.Address), StringComparer.Ordinal);
            var current = site.ToDictionary(l => l.Address, l => _applied.TryGetValue(l.Address, out int cap) ? cap : l.HardCap, StringComparer.Ordinal);
            // A member may have let go of its share on its own (cut off from the majority): its published cap
            // says so. Safe either way: a round's shrink phase never raises anyone's cap. A load sampled before the
            // member applied the round it last acknowledged says nothing new (and made a redundant round).
            var published = site.ToDictionary(l => l.Address,
                l => l.ShareStep >= _appliedSteps.GetValueOrDefault(l.Address) ? l.HardCap : current[l.Address], StringComparer.Ordinal);
            if (!SiteResplit.Worthwhile(targets, current) && !SiteResplit.Worthwhile(targets, published)) continue;
            round = new SiteRound(++_version, targets, current);
            _rounds[site.Key] = round;
            _log.Info("site {0}: round {1} towards {2}", site.Key, round.Version, string.Join(", ", targets.Select(t => $"{t.Key} {t.Value}")));
            Send(round, site.Key);
        }
    }


    // A member that becomes the allocator starts from the caps its peers publish; one that stands down forgets its rounds.
    // It elects as its own Negotiator does: the members it suspects of silence are left out too.
    private bool Elected()
    {
        bool elected = AllocatorElection.Elected(_members.All.Where(m => !_downed.Contains(m.Address)), _cluster.SelfAddress,
            address => _members.IsReachable(address.ToString()) && !_suspected.Contains(address.ToString())) == _cluster.SelfAddress;
        if (elected == _elected) return elected;
        _elected = elected;
        ForgetRounds();
        _log.Info(elected ? "site allocator running on {0}" : "site allocator on {0} stands down: another member is the oldest Up and reachable", _cluster.SelfAddress);
        return elected;
    }

    // The book began a new epoch (or stopped acting): rounds, acknowledgements and versions of the last one say nothing
    // about this one's records.
    private void NewEpoch()
    {
        if (_leases.Epoch == _epoch) return;
        _epoch = _leases.Epoch;
        ForgetRounds();
    }

    private void ForgetRounds()
    {
        _rounds.Clear();
        _applied.Clear();
        _appliedSteps.Clear();
        // Rounds go on from the last one any member applied, whoever ran it, so that the members' published steps
        // compare with this allocator's: a load sampled under the previous allocator is older than this one's first round.
        if (_loads.Count > 0) _version = Math.Max(_version, FleetLoad.VersionOf(_loads.Values.Max(l => l.ShareStep)));
    }

    private void OnApplied(ShareApplied applied)
    {
        bool member = Sender.Path.Address.HasLocalScope || _members.IsMember(Sender.Path.Address);
        if (Sender.IsNobody() || Sender.Equals(Context.System.DeadLetters) || !member)
        {
            _log.Warning("refused a share acknowledgement from {0}: not a member of this cluster", Sender.Path.Address);
            return;
        }
        // Only an acknowledgement of this epoch's round counts: one of an earlier round may arrive after a grow this
        // allocator sent since, and would lower its record below what the member holds.
        if (!_rounds.Values.Any(r => r.Version == applied.Version && r.Growing != applied.Shrink && r.Pending.ContainsKey(applied.Address))) return;
        _applied[applied.Address] = applied.Cap;
        _appliedSteps[applied.Address] = FleetLoad.StepOf(applied.Version, applied.Shrink);
        if (applied.Shrink) _leases.Shrunk(applied.Address, applied.Cap);
        foreach (var (site, round) in _rounds.ToList())
        {
            if (!round.Applied(applied.Address, applied.Version)) continue;
            Advance(site, round);
        }
    }

    private Dictionary<string, Member> Members() =>
        _members.All.Where(m => m.Status != MemberStatus.Removed).ToDictionary(m => m.Address.ToString(), m => m, StringComparer.Ordinal);

    // The leases: every load updates what the allocator knows of each member (its site, floor, and a first estimate
    // of its grant), and the quorum counts the members of a site with a budget that are not removed.
    private void Book(IReadOnlyDictionary<string, Member> members, long now)
    {
        Address? tieBreaker = null;
        int count = 0;
        foreach (var load in _loads.Values.Where(l => l.SiteBudget > 0 && members.ContainsKey(l.Address)))
        {
            _leases.Seen(load.Address, load.Site, load.Floor);
            var address = members[load.Address].Address;
            if (tieBreaker is null || Member.AddressOrdering.Compare(address, tieBreaker) < 0) tieBreaker = address;
            count++;
        }
        _leases.Members = Math.Max(1, count);
        _leases.TieBreaker = tieBreaker?.ToString();
        _leases.Purge(members.Keys.ToHashSet(StringComparer.Ordinal), now);
    }

    // A member asks for its lease to be renewed. Only an allocator elected in its own view answers, and only members in
    // good standing (not down); while the book may not act it answers with its stamp alone (a probe: no renewal), so
    // that the members' next requests echo it and it becomes quorate without renewing anything it cannot vouch for.
    private void OnLeaseRequest(LeaseRequest request)
    {
        var from = Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address;
        var member = _members.Of(from);
        if (member is null && Sender.Path.Address.HasLocalScope && !Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters))
        {
            // This node's own Negotiator, which saw this node Up a moment before this actor did (each hears the event in
            // its own mailbox): answered once this actor has seen it too, not refused as a stranger's.
            _earlyRequest = (request, Sender);
            return;
        }
        if (Sender.IsNobody() || Sender.Equals(Context.System.DeadLetters) || member is null)
        {
            _log.Warning("refused a lease request from {0}: not a member of this cluster", Sender.Path.Address);
            return;
        }
        if (!Elected() || member.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed || _downed.Contains(from)) return;
        string address = from.ToString();
        long now = _clock.NowMs;
        Book(Members(), now); // the quorum's base as it is now, not as at the last split
        if (!_leases.Knows(address))
        {
            if (_loads.GetValueOrDefault(address) is not { SiteBudget: > 0 } load) return; // its load has not arrived yet: it asks again
            _leases.Seen(address, load.Site, load.Floor);
        }
        _leases.Requested(address, new LeaseReport(request.EchoMs, request.OtherStampMs, request.OtherAgeMs, request.InForce), now);
        bool wasLive = _leases.Live(address, now);
        int? bound = _leases.Renew(address, request.InForce, now);
        NewEpoch();
        Sender.Tell(bound is { } renewed
            ? new LeaseGranted(request.StampMs, now, renewed, _leases.Epoch!.Value)
            : new LeaseGranted(long.MinValue, now, int.MaxValue, 0));
        if (bound is not null && !wasLive) Allocate(); // a member takes part in the split again (or for the first time): at once, not at the next tick
        else if (bound is not null && _rounds.Count > 0)
        {
            // A grow held back (the book was not quorate a moment after the split, an echo late on a loaded machine) goes
            // out once a renewal shows the book may act again, not after ResendAfter and a tick (2.85 s after the round,
            // the allocator's whole share at 11.9 s after a kill -9 at load 40).
            foreach (var (site, round) in _rounds.ToList())
            {
                if (round.Growing && round.GrowsHeld) Send(round, site);
            }
        }
    }

    private void Left(string member)
    {
        _memberGoneDuringRound |= _rounds.Count > 0;
        _applied.Remove(member);
        _appliedSteps.Remove(member);
        foreach (var (site, round) in _rounds.ToList())
        {
            if (round.Left(member)) Advance(site, round);
        }
    }

    private void Advance(string site, SiteRound round)
    {
        if (!round.Growing)
        {
            round.Grow();
            // Members that left during the shrink phase are not waited for; with none left there is nothing to grow.
            if (round.Pending.Count > 0)
            {
                Send(round, site);
                return;
            }
        }
        _rounds.Remove(site);
        _log.Info("site {0}: shares {1}", site, string.Join(", ", round.Shares.Select(t => $"{t.Key} {t.Value}")));
        // A member went while the round ran: the split it leaves is made now rather than at the next tick.
        if (_memberGoneDuringRound)
        {
            _memberGoneDuringRound = false;
            Allocate();
        }
    }

    private void Send(SiteRound round, string site)
    {
        if (_leases.Epoch != _epoch)
        {
            NewEpoch(); // the book restarted since this round began: the round goes with its epoch
            return;
        }
        long now = _clock.NowMs;
        _lastSend = DateTime.UtcNow;
        int budget = _loads.Values.Where(l => l.Site == site && l.SiteBudget > 0).Select(l => l.SiteBudget).DefaultIfEmpty(0).Min();
        bool held = false;
        foreach (var (member, cap) in round.Pending)
        {
            if (!ActorPath.TryParseAddress(member, out var address)) continue;
            if (round.Growing)
            {
                // A grow waits until the book allows it (quorate, and room left by every other member): tried again at
                // the next lease request this allocator renews (its echo may be what restores the quorum), else at a tick.
                if (!_leases.MayGrow(member, cap, budget, now) || _leases.Epoch is not { } epoch)
                {
                    if (!round.GrowsHeld && !held)
                        _log.Info("site {0}: round {1}: grow of {2} to {3} held back (quorate: {4})", site, round.Version, member, cap, _leases.Quorate(now));
                    held = true;
                    continue;
                }
                _leases.Granted(member, cap);
                Context.ActorSelection(new RootActorPath(address) / "user" / Negotiator.Name).Tell(new ShareProposal(round.Version, site, cap, Shrink: false, epoch));
            }
            else Context.ActorSelection(new RootActorPath(address) / "user" / Negotiator.Name).Tell(new ShareProposal(round.Version, site, cap, Shrink: true, 0));
        }
        round.GrowsHeld = held;
    }

    private void Resend(SiteRound round, string site)
    {
        if (DateTime.UtcNow - _lastSend >= ResendAfter) Send(round, site);
    }

    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}
