using Akka.Actor;
using Akka.Cluster;
using ConnActors.Actors.Ledger;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Cluster;

/// <summary>
/// What one member knows of the fleet: members (status, roles, reachability), their published loads, and the
/// router entries that members which left its site still hold for <paramref name="routerEntryLingerMs"/>.
/// </summary>
internal sealed class FleetMembers(string self, long routerEntryLingerMs)
{
    private readonly DepartedEntries _departed = new(routerEntryLingerMs);
    private readonly MemberView _members = new();
    private IReadOnlyDictionary<string, FleetLoad> _loads = new Dictionary<string, FleetLoad>();
    private readonly Dictionary<string, FleetLoad> _lastLoads = new(StringComparer.Ordinal); // kept until the member is removed, whatever the map does

    public string Self { get; } = self;

    public IReadOnlyCollection<Member> All => _members.All;

    /// <summary>Members that are up (or weakly up) and reachable from here.</summary>
    public IEnumerable<string> UpAddresses => _members.All
        .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp && _members.IsReachable(m.Address.ToString()))
        .Select(m => m.Address.ToString());

    public bool IsMember(Address address) => _members.IsMember(address);

    public bool IsReachable(string address) => _members.IsReachable(address);

    public void Seen(Member member) => _members.Seen(member);

    public void Removed(Member member, long nowMs)
    {
        var address = member.Address.ToString();
        if (_members.Removed(member) && _lastLoads.Remove(address, out var load) && load.Site.Length > 0)
            _departed.Left(address, load.Site, load.RouterEntries, nowMs);
    }

    public void Reachable(Member member, bool reachable) => _members.Reachable(member, reachable);

    /// <summary>The loads the fleet replicates, as a receiver takes them (<see cref="FleetLoad.AsReported"/>).</summary>
    public void Loads(IReadOnlyDictionary<string, FleetLoad> loads)
    {
        _loads = FleetLoad.AsReported(loads);
        foreach (var (address, load) in _loads)
        {
            if (_members.IsMember(address)) _lastLoads[address] = load;
        }
    }

    /// <summary>The loads of members that are still members (a removed member's last report is ignored).</summary>
    public IEnumerable<FleetLoad> MemberLoads => _loads.Values.Where(l => _members.IsMember(l.Address));

    public FleetLoad? LoadOf(string address) => _loads.GetValueOrDefault(address);

    /// <summary>
    /// The peers other members keep (deduplication), the members with room (handoff), and, when this member's
    /// <paramref name="site"/> has a <paramref name="siteBudget"/>, the router entries the site's other members
    /// last reported and those that members which left it still hold (a member borrows room beyond its share
    /// only while the site holds less than the budget).
    /// </summary>
    public FleetView View(string site, int siteBudget, long nowMs)
    {
        bool sited = site.Length > 0 && siteBudget > 0;
        long elsewhere = sited ? _departed.HeldAt(site, nowMs) : 0;
        foreach (var load in MemberLoads)
        {
            if (sited && load.Address != Self && load.Site == site) elsewhere += load.RouterEntries;
        }
        var held = new Dictionary<PeerId, Multiaddr>();
        var heldByOthers = new Dictionary<PeerId, Multiaddr>();
        var targets = new List<FleetTarget>();
        foreach (var load in MemberLoads)
        {
            if (load.Address == Self || !IsReachable(load.Address) || load.ListenAddresses.Count == 0) continue;
            if (!Multiaddr.TryParse(load.ListenAddresses[0], out var address)) continue;
            if (FleetDedup.HasRoomFor(load.Headroom, 1)) targets.Add(new FleetTarget(load.Address, address!, load.Headroom, load.OpenSubsystems ?? []));
            bool keeps = FleetDedup.Keeps(load.Address, Self);
            foreach (var text in load.HeldPeers)
            {
                if (!PeerId.TryParse(text, out var peer)) continue;
                heldByOthers.TryAdd(peer!, address!);
                if (keeps) held.TryAdd(peer!, address!);
            }
        }
        return new FleetView(held, targets) { HeldByOthers = heldByOthers, SiteBudget = sited ? siteBudget : 0, SiteEntriesElsewhere = elsewhere };
    }
}
