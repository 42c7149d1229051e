using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Dht;

// The DHT service's API (sent to the DhtActor; each answered once its lookup ends).

/// <summary>Finds the addresses of <paramref name="Peer"/>; answered with <see cref="PeerFound"/>.</summary>
public sealed record FindPeer(PeerId Peer);

/// <summary>Finds up to <paramref name="Count"/> providers of <paramref name="Key"/> (a multihash); answered with <see cref="ProvidersFound"/>.</summary>
public sealed record FindProviders(byte[] Key, int Count = KadProtocol.DefaultK);

/// <summary>Announces this node as a provider of <paramref name="Key"/> to the k closest peers (and again every reprovide interval); answered with <see cref="Provided"/>.</summary>
public sealed record Provide(byte[] Key);

/// <summary>Finds the k peers closest to <paramref name="Key"/>; answered with <see cref="ClosestPeersFound"/>.</summary>
public sealed record GetClosestPeers(byte[] Key);

/// <summary>Gets a /pk/ record; answered with <see cref="ValueFound"/>.</summary>
public sealed record GetValue(byte[] Key);

/// <summary>Stores a /pk/ record locally and at the k closest peers; answered with <see cref="ValuePut"/>, or a failure naming why the record is refused.</summary>
public sealed record PutValue(byte[] Key, byte[] Value);

/// <summary>Asks for the routing table and counters; answered with <see cref="DhtStatus"/>.</summary>
public sealed record GetDhtStatus
{
    public static GetDhtStatus Instance { get; } = new();
}

/// <summary>How a lookup went: hops (of the closest peer that answered), queries, connections it opened, time.</summary>
public sealed record LookupStats(int Hops, int Queried, int Answered, int Failed, int ConnectionsOpened, TimeSpan Duration, bool Converged, bool TimedOut);

/// <summary>The peer's addresses (empty when not found).</summary>
public sealed record PeerFound(PeerId Peer, IReadOnlyList<Multiaddr> Addresses, LookupStats Stats)
{
    public bool Found => Addresses.Count > 0;
}

/// <summary>Providers found for a key.</summary>
public sealed record ProvidersFound(byte[] Key, IReadOnlyList<KadPeer> Providers, LookupStats Stats);

/// <summary>A provide: how many of the closest peers were sent the record.</summary>
public sealed record Provided(byte[] Key, int Peers, LookupStats Stats);

/// <summary>The closest peers that answered, closest first.</summary>
public sealed record ClosestPeersFound(byte[] Key, IReadOnlyList<KadPeer> Peers, LookupStats Stats);

/// <summary>A value (null when none was found).</summary>
public sealed record ValueFound(byte[] Key, byte[]? Value, LookupStats Stats);

/// <summary>A put: how many of the closest peers stored it.</summary>
public sealed record ValuePut(byte[] Key, int Peers, LookupStats Stats);

/// <summary>The DHT's state for operators.</summary>
public sealed record DhtStatus(
    string Mode, PeerId Self, int RoutingTableSize, IReadOnlyList<BucketView> Buckets, IReadOnlyList<PeerId> RoutingHeld,
    int LookupsRunning, int LookupsWaiting, DhtCounters Counters, int ProviderRecords, int ProviderKeys, int ValueRecords, int ProvidedKeys);

/// <summary>Totals since start; <paramref name="BadInput"/> counts the penalties for bad input by kind.</summary>
public sealed record DhtCounters(
    long Lookups, long LookupHops, long QueriesSent, long QueriesFailed, long ConnectionsOpened, long RequestsServed,
    IReadOnlyDictionary<string, long> BadInput, IReadOnlyDictionary<string, long> Refused, IReadOnlyList<LookupKindCounts> LookupsByKind)
{
    /// <summary>Dht slots a running lookup gave up to another that was refused one at the subsystem's maximum (dht.share-lookup-slots).</summary>
    public long LookupSlotsShared { get; init; }

    /// <summary>
    /// Connections a running lookup let go of, closed so that another, refused a dht slot because the node was full, could
    /// dial (dht.share-lookup-slots).
    /// </summary>
    public long LookupRoomMade { get; init; }
}

/// <summary>Lookups of one kind (find_peer, closest, provide, put_value, find_providers, get_value, refresh): started, and how they ended or were refused (queue full).</summary>
public sealed record LookupKindCounts(string Kind, long Started, long Succeeded, long TimedOut, long NotFound, long Refused);

/// <summary>
/// How a lookup ended: it got what it was for (the peer, a provider, the value; for the others, a peer that answered or
/// took the record), it timed out without it, or it ran to its end without it.
/// </summary>
public enum LookupOutcome
{
    Succeeded,
    TimedOut,
    NotFound,
}

/// <summary>Published on the event stream when a lookup ends (for metrics): its kind's label, outcome and figures.</summary>
public sealed record DhtLookupFinished(string Kind, LookupOutcome Outcome, LookupStats Stats, int LookupId = 0);

/// <summary>
/// Published on the event stream when one query of a lookup ends (for timelines): when it was sent and ended, in ms since
/// its lookup began; whether it opened a connection; why it failed (null when answered); where its time went.
/// </summary>
public sealed record DhtQueryFinished(int LookupId, string Kind, PeerId Peer, long SentAtMs, long EndedAtMs, bool Opened, string? Failure, QueryTimes Times);

/// <summary>One query's time: waiting for a dht slot, in the manager's dial queue, dialling, then the request and its answer.</summary>
public sealed record QueryTimes(long SlotMs, long QueuedMs, long DialMs, long RequestMs)
{
    public static QueryTimes None { get; } = new(0, 0, 0, 0);

    public long TotalMs => SlotMs + QueuedMs + DialMs + RequestMs;
}

// Inside the DHT.

/// <summary>A remote request to answer (from the stream handler on an I/O thread).</summary>
internal sealed record ServeRequest(Libp2p.Host.Libp2pConnection Connection, Libp2p.Kad.Protocol.Message Request);

/// <summary>A remote broke the protocol on an inbound stream.</summary>
internal sealed record InboundBadInput(PeerId Peer, string Reason);

/// <summary>An inbound kad stream of <paramref name="Peer"/> ended, served or not: the dht slot it claimed at the gate may go back.</summary>
internal sealed record InboundStreamEnded(PeerId Peer);
