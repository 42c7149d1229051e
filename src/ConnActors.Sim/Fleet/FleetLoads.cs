using System.Globalization;
using ConnActors.Policy.Fleet;
using ConnActors.Sim.Events;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Fleet;

/// <summary>
/// What the fleet's members know of one another, as their Negotiators publish it every
/// <see cref="LoadIntervalMs"/> (<c>connactors.cluster.load-interval</c>): each online member's room below high
/// water and the clients it holds (at most <see cref="MaxHeldPeers"/>, as the node reports). From the clients
/// held, the member that keeps each one (<see cref="FleetDedup.Keeps"/> against every other holder) and whether
/// more than one holds it; from the room for handoffs (<see cref="HandoffChoice.Room"/>: below low water), each
/// member's own list of handoff targets, which it takes down by each peer it hands over until the
/// next publication (as the node's ledger does with its fleet view), and the subsystems it has free slots in. Only under a variant with handoff or
/// deduplication; between publications the view is stale, as in the node.
/// </summary>
internal sealed class FleetLoads
{
    public const long LoadIntervalMs = 1_000;
    public const int MaxHeldPeers = 4_096;

    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly int[] _members;
    private readonly string[] _addresses;
    private readonly int[][] _headroom;
    private readonly IReadOnlyCollection<string>[] _openSubsystems;
    private readonly Dictionary<int, int> _keeper = new();
    private readonly HashSet<int> _heldByMany = new();

    public FleetLoads(SimContext ctx, NodeEngines engines, int[] members)
    {
        _ctx = ctx;
        _engines = engines;
        _members = members;
        _addresses = members.Select(m => m.ToString("D9", CultureInfo.InvariantCulture)).ToArray();
        _headroom = members.Select(_ => new int[members.Length]).ToArray();
        _openSubsystems = members.Select(_ => (IReadOnlyCollection<string>)[]).ToArray();
        Enabled = members.Length > 1 && (engines.Variant.FleetHandoff || engines.Variant.FleetDedup);
    }

    public bool Enabled { get; }

    public void Schedule()
    {
        if (Enabled) _ctx.Queue.Schedule(0, EventKind.FleetLoadPublish);
    }

    /// <summary>A <see cref="EventKind.FleetLoadPublish"/> event: every member learns the others' loads.</summary>
    public void Publish()
    {
        var nodes = _ctx.Nodes;
        var links = _ctx.Links;
        _keeper.Clear();
        _heldByMany.Clear();
        var published = new int[_members.Length];
        for (int i = 0; i < _members.Length; i++)
        {
            int member = _members[i];
            if (!nodes.Online[member])
            {
                published[i] = -1;
                continue;
            }
            var limits = _engines.LimitsOf(member);
            published[i] = HandoffChoice.Room(limits.HardCap, limits.LowWater, links.Degree(member), pending: 0);
            _openSubsystems[i] = _engines.ExistingV2(member)?.Quotas.WithFreeSlots() ?? [];
            var held = links.Neighbours(member);
            for (int k = 0, n = Math.Min(held.Length, MaxHeldPeers); k < n; k++)
            {
                int peer = held[k];
                if (nodes.IsFleet[peer]) continue;
                if (!_keeper.TryGetValue(peer, out int keeper)) _keeper[peer] = i;
                else
                {
                    _heldByMany.Add(peer);
                    if (FleetDedup.Keeps(_addresses[i], _addresses[keeper])) _keeper[peer] = i;
                }
            }
        }
        // A member is a target for the others when it published room for at least one peer.
        for (int self = 0; self < _members.Length; self++)
        {
            for (int t = 0; t < _members.Length; t++)
                _headroom[self][t] = t == self || published[t] < 0 || !FleetDedup.HasRoomFor(published[t], 1) ? 0 : published[t];
        }
        _ctx.After(LoadIntervalMs, EventKind.FleetLoadPublish);
    }

    /// <summary>The member (node) that keeps <paramref name="peer"/> instead of <paramref name="member"/>, or -1 when none does.</summary>
    public int KeeperOtherThan(int member, int peer)
    {
        if (!Enabled || !_keeper.TryGetValue(peer, out int keeper)) return -1;
        int self = Array.IndexOf(_members, member);
        return keeper != self && FleetDedup.Keeps(_addresses[keeper], _addresses[self]) ? _members[keeper] : -1;
    }

    /// <summary>Does a member other than <paramref name="member"/> hold <paramref name="peer"/>, in the last publication (whatever their order)?</summary>
    public bool HeldByOtherThan(int member, int peer)
    {
        if (!Enabled || !_keeper.TryGetValue(peer, out int keeper)) return false;
        return _members[keeper] != member || _heldByMany.Contains(peer);
    }

    /// <summary>
    /// The member <paramref name="member"/> hands a trimmed peer to (<see cref="HandoffChoice.Pick"/> over its view: the
    /// peer holds <paramref name="connections"/> connections and is held here for <paramref name="peerSubsystems"/>),
    /// its room in that view taken down; -1 when none fits or another member holds the peer.
    /// </summary>
    public int TakeHandoffTarget(int member, int peer, IReadOnlyCollection<string> peerSubsystems, int connections)
    {
        if (!Enabled) return -1;
        int self = Array.IndexOf(_members, member);
        var view = _headroom[self];
        var candidates = new List<HandoffCandidate>(_members.Length);
        for (int t = 0; t < _members.Length; t++)
            if (t != self && view[t] > 0) candidates.Add(new HandoffCandidate(_addresses[t], view[t], _openSubsystems[t]));
        if (HandoffChoice.Pick(candidates, peerSubsystems, connections, HeldByOtherThan(member, peer)) is not { } chosen) return -1;
        int target = Array.IndexOf(_addresses, chosen.Member);
        view[target] -= connections;
        return _members[target];
    }
}
