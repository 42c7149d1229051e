using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// The fleet's site allocator: every member runs one, the oldest member that is Up allocates
/// (<see cref="AllocatorElection"/>). For every site with a budget
/// it splits the budget between the site's members (<see cref="SiteAllocation"/>, by their published
/// demand) and carries the split out in shrink-then-grow rounds (<see cref="SiteRound"/>), so the sum of the
/// members' hard caps never exceeds the budget while members join, leave or crash. A new member starts with
/// no share and gets its floor from the others first.
/// </summary>
public sealed class SiteAllocator : ReceiveActor, IWithTimers
{
    /// <summary>The allocator's name under /user.</summary>
    public const string Name = "site-allocator";

    private const string TickTimer = "tick";
    private static readonly LWWDictionaryKey<string, FleetLoad> LoadsKey = FleetDataKeys.Loads;
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(2);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, SiteRound> _rounds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _applied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _appliedSteps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _shortfalls = new(StringComparer.Ordinal);
    private readonly HashSet<Address> _downed = [];
    private readonly HashSet<Address> _unreachable = [];
    private IReadOnlyDictionary<string, FleetLoad> _loads = new Dictionary<string, FleetLoad>();
    private long _version;
    private bool _elected;
    private bool _memberGoneDuringRound;
    private DateTime _lastSend;

    public SiteAllocator(TimeSpan interval)
    {
        Receive<Changed>(c => c.Key.Equals(LoadsKey), c =>
        {
            bool first = _loads.Count == 0;
            _loads = c.Get(LoadsKey).Entries;
            if (first) Allocate(); // the first loads this member sees: split at once rather than a tick later
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            _downed.Remove(m.Member.Address);
            _unreachable.Remove(m.Member.Address);
            Left(m.Member.Address.ToString());
        });
        Receive<ClusterEvent.MemberDowned>(m => Gone(m.Member.Address, _downed));
        Receive<ClusterEvent.UnreachableMember>(m => Gone(m.Member.Address, _unreachable));
        Receive<ClusterEvent.ReachableMember>(m => _unreachable.Remove(m.Member.Address));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<ShareApplied>(OnApplied);
        Receive<Tick>(_ => Allocate());
        Receive<IUpdateResponse>(_ => { });
        Timers.StartPeriodicTimer(TickTimer, Tick.Instance, interval);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan interval) => Akka.Actor.Props.Create(() => new SiteAllocator(interval));

    /// <inheritdoc />
    protected override void PreStart()
    {
        DistributedData.Get(Context.System).Replicator.Tell(Dsl.Subscribe(LoadsKey, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.MemberDowned), typeof(ClusterEvent.IReachabilityEvent));
    }

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Allocate()
    {
        if (!Elected()) return;
        var present = _cluster.State.Members.Where(m => m.Status != MemberStatus.Removed && !IsGone(m.Address)).ToDictionary(m => m.Address.ToString(), m => m.Status, StringComparer.Ordinal);
        foreach (var site in _loads.Values.Where(l => l.SiteBudget > 0 && present.ContainsKey(l.Address)).GroupBy(l => l.Site))
        {
            if (_rounds.TryGetValue(site.Key, out var round))
            {
                Resend(round, site.Key);
                continue;
            }
            // The budget is split between the members that are up; one that is leaving (or down, not yet
            // removed) still holds its share until it gives it back, so the round takes it to 0 first.
            var up = site.Where(l => present[l.Address] is MemberStatus.Up or MemberStatus.WeaklyUp).ToList();
            int budget = site.Min(l => l.SiteBudget); // members that disagree get the smallest: never more than any of them allows
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
    private bool Elected()
    {
        bool elected = AllocatorElection.Elected(_cluster.State.Members.Where(m => !_downed.Contains(m.Address))) == _cluster.SelfAddress;
        if (elected == _elected) return elected;
        _elected = elected;
        _rounds.Clear();
        _applied.Clear();
        _appliedSteps.Clear();
        // Rounds go on from the last one any member applied, whoever ran it, so that the members' published steps
        // compare with this allocator's: a load sampled under the previous allocator is older than this one's first round.
        if (elected && _loads.Count > 0) _version = Math.Max(_version, FleetLoad.VersionOf(_loads.Values.Max(l => l.ShareStep)));
        _log.Info(elected ? "site allocator running on {0}" : "site allocator on {0} stands down: another member is the oldest Up", _cluster.SelfAddress);
        return elected;
    }

    private void OnApplied(ShareApplied applied)
    {
        bool member = Sender.Path.Address.HasLocalScope || _cluster.State.Members.Any(m => m.Address == Sender.Path.Address);
        if (Sender.IsNobody() || Sender.Equals(Context.System.DeadLetters) || !member)
        {
            _log.Warning("refused a share acknowledgement from {0}: not a member of this cluster", Sender.Path.Address);
            return;
        }
        _applied[applied.Address] = applied.Cap;
        _appliedSteps[applied.Address] = FleetLoad.StepOf(applied.Version, applied.Shrink);
        foreach (var (site, round) in _rounds.ToList())
        {
            if (!round.Applied(applied.Address, applied.Version)) continue;
            Advance(site, round);
        }
    }

    // A member that is down and unreachable holds nothing: it crashed, or it is cut off from the majority and
    // gave its share up itself when it saw that (Negotiator, ResolverSide), a stable-after before the resolver
    // downed it. Waiting for its removal as well cost a gossip round, and its acknowledgement never comes.
    // A member downed while reachable still holds its share until it acknowledges a share of 0.
    private bool IsGone(Address member) => _downed.Contains(member) && _unreachable.Contains(member);

    private void Gone(Address member, HashSet<Address> seen)
    {
        seen.Add(member);
        if (IsGone(member))
        {
            _memberGoneDuringRound = _rounds.Count > 0;
            Left(member.ToString());
        }
        Allocate(); // at once rather than at the next tick: the survivors get its share, or this member takes over allocating

    }

    private void Left(string member)
    {
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
        _lastSend = DateTime.UtcNow;
        foreach (var (member, cap) in round.Pending)
        {
            if (!ActorPath.TryParseAddress(member, out var address)) continue;
            Context.ActorSelection(new RootActorPath(address) / "user" / Negotiator.Name).Tell(new ShareProposal(round.Version, site, cap, Shrink: !round.Growing));
        }
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
