using ConnActors.Actors.Messaging;
using ConnActors.Policy.Fleet;

namespace ConnActors.Actors.Cluster;

// Messages between members of a fleet (serialized by Hyperion, bound to IConnActorsMessage). Peer ids and
// multiaddrs travel as text; every receiver checks that the sender is a member before acting.

/// <summary>
/// One member's load, replicated to every member (distributed data): its identity (cluster address,
/// libp2p peer id and listen addresses, roles, site and the site's budget as it is configured), its hard
/// cap in force and the most it can use, its demand, counts, its watermarks, the peers it holds (for deduplication
/// and handoff), the subsystems it has free slots in (a handoff goes where the peer's subsystem has room), and
/// <paramref name="ShareStep"/>: the step of the allocator's rounds (<see cref="StepOf"/>) it had applied when
/// the load was sampled (the hard cap is at least that new), and <paramref name="Grant"/>: the share granted, in force while
/// its lease is valid (the hard cap is what is in force).
/// </summary>
public sealed record FleetLoad(
    string Address, string Site, int SiteBudget, int Floor, IReadOnlyList<string> Roles, string PeerId, IReadOnlyList<string> ListenAddresses,
    int HardCap, int MaxCap, int Demand, int Connections, int Inbound, int Outbound, int Pending, int Friends, int HighWater,
    IReadOnlyList<string> HeldPeers, long AtMs, IReadOnlyList<string> OpenSubsystems, int RouterEntries = 0, long ShareStep = 0, int LowWater = 0,
    int Grant = 0) : IConnActorsMessage
{
    /// <summary>Round <paramref name="version"/>'s shrink phase, then its grow phase: one step each, in order.</summary>
    public static long StepOf(long version, bool shrink) => version * 2 + (shrink ? 0 : 1);

    /// <summary>The round a step (<see cref="StepOf"/>) belongs to.</summary>
    public static long VersionOf(long step) => step / 2;

    /// <summary>Room for handed-off peers: below low water (<see cref="HandoffChoice.Room"/>); none from a member that did not report its low water.</summary>
    public int Headroom => HandoffChoice.Room(HardCap, LowWater, Connections, Pending);

    /// <summary>Most held peers a load carries (what a member publishes; more from the wire are dropped).</summary>
    public const int MaxHeldPeers = 4_096;

    // Listen addresses, roles and subsystems a load may carry.
    private const int MaxShortList = 64;

    /// <summary>
    /// The replicated loads as a receiver takes them: each under its member's own address (a load filed under another
    /// member's is dropped: a member speaks for itself only), <see cref="Bounded"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, FleetLoad> AsReported(IReadOnlyDictionary<string, FleetLoad> loads)
    {
        var kept = new Dictionary<string, FleetLoad>(loads.Count, StringComparer.Ordinal);
        foreach (var (address, load) in loads)
        {
            if (load is not null && load.Address == address) kept[address] = load.Bounded();
        }
        return kept;
    }

    /// <summary>This load with no negative count and no list beyond its bound, as a receiver takes it.</summary>
    public FleetLoad Bounded() => this with
    {
        SiteBudget = Math.Max(0, SiteBudget), Floor = Math.Max(0, Floor), HardCap = Math.Max(0, HardCap), MaxCap = Math.Max(0, MaxCap),
        Demand = Math.Max(0, Demand), Connections = Math.Max(0, Connections), Inbound = Math.Max(0, Inbound), Outbound = Math.Max(0, Outbound),
        Pending = Math.Max(0, Pending), Friends = Math.Max(0, Friends), HighWater = Math.Max(0, HighWater), LowWater = Math.Max(0, LowWater),
        RouterEntries = Math.Max(0, RouterEntries), Grant = Math.Max(0, Grant),
        Roles = Cut(Roles, MaxShortList), ListenAddresses = Cut(ListenAddresses, MaxShortList), HeldPeers = Cut(HeldPeers, MaxHeldPeers),
        OpenSubsystems = Cut(OpenSubsystems, MaxShortList),
    };

    // Hyperion may leave a list out (null) when a sender did.
    private static IReadOnlyList<string> Cut(IReadOnlyList<string>? list, int most) =>
        list is null ? [] : list.Count <= most ? list : list.Take(most).ToList();
}

/// <summary>
/// The site allocator to a member: take <paramref name="Cap"/> as the share of <paramref name="Site"/>. In the
/// shrink phase of round <paramref name="Version"/> a member takes the smaller of its cap and this one; in
/// the grow phase (sent only once every member acknowledged its shrink) it takes this one, but only if the lease it
/// holds was last extended by this allocator in <paramref name="Epoch"/> (<see cref="MemberLease.TakesGrowFrom"/>).
/// </summary>
public sealed record ShareProposal(long Version, string Site, int Cap, bool Shrink, long Epoch) : IConnActorsMessage;

/// <summary>A member applied round <paramref name="Version"/>'s shrink (<paramref name="Shrink"/>) or grow phase: its hard cap is now <paramref name="Cap"/>.</summary>
public sealed record ShareApplied(long Version, string Address, int Cap, bool Shrink) : IConnActorsMessage;

/// <summary>
/// A member asks the site allocator to renew the lease of its share of <paramref name="Site"/>. <paramref name="StampMs"/>
/// is the member's clock as it sends this (its lease will run from there); <paramref name="EchoMs"/> is the allocator's
/// stamp on the last answer this member received from it (-1: none), so the allocator knows which members it reached
/// recently on its own clock, however late it reads their requests; <paramref name="OtherStampMs"/> and
/// <paramref name="OtherAgeMs"/> are the stamp of the last answer the member received from any other allocator and how
/// long ago (-1: never), so the allocator can bound when another last acted; <paramref name="InForce"/> is the cap the
/// member's lease allowed as it sent this (<see cref="LeaseReport"/>).
/// </summary>
public sealed record LeaseRequest(long StampMs, long EchoMs, long OtherStampMs, long OtherAgeMs, int InForce, string Site) : IConnActorsMessage;

/// <summary>
/// The allocator's answer to the lease request of <paramref name="StampMs"/>: renewed in <paramref name="Epoch"/>, the
/// member's grant lowered to <paramref name="Bound"/> (what the allocator still reserves for it); or, with
/// <paramref name="StampMs"/> = long.MinValue, a probe that renews nothing. <paramref name="AllocatorStampMs"/> is the
/// allocator's clock as it answers (echoed in the member's next request).
/// </summary>
public sealed record LeaseGranted(long StampMs, long AllocatorStampMs, int Bound, long Epoch) : IConnActorsMessage
{
    public bool IsProbe => StampMs == long.MinValue;
}

/// <summary>A member that must trim offers <paramref name="PeerId"/> (reachable at <paramref name="Addresses"/>) to a member with room.</summary>
public sealed record HandoffOffer(string PeerId, IReadOnlyList<string> Addresses, string From) : IConnActorsMessage;

/// <summary>The answer to a <see cref="HandoffOffer"/>: taken (the receiver dials), and later whether the dial connected.</summary>
public sealed record HandoffAnswer(string PeerId, bool Accepted, bool Completed, string? Reason) : IConnActorsMessage;

/// <summary>A penalty recorded by member <paramref name="Origin"/>, honoured by every member until <paramref name="RetainUntilMs"/>.</summary>
public sealed record SharedPenalty(string PeerId, double Value, long LastUpdateMs, long RetainUntilMs, string Origin) : IConnActorsMessage;
