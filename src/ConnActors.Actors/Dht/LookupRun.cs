using System.Diagnostics;
using Akka.Actor;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;

namespace ConnActors.Actors.Dht;

/// <summary>What a lookup is for: it decides the request sent and what ends it early.</summary>
internal enum LookupKind
{
    /// <summary>FIND_NODE until the target peer is seen with addresses.</summary>
    FindPeer,

    /// <summary>FIND_NODE to convergence.</summary>
    Closest,

    /// <summary>FIND_NODE, then ADD_PROVIDER to the closest.</summary>
    Provide,

    /// <summary>FIND_NODE, then PUT_VALUE to the closest.</summary>
    Put,

    /// <summary>GET_PROVIDERS until enough providers are found.</summary>
    FindProviders,

    /// <summary>GET_VALUE until a valid value is found.</summary>
    GetValue,

    /// <summary>FIND_NODE for the routing table's sake (bootstrap, refresh); nobody waits for it.</summary>
    Refresh,
}

/// <summary>One lookup in progress: its state machine, burst, the slots it claimed and what it found.</summary>
internal sealed class LookupRun(int id, LookupKind kind, byte[] key, KadLookup lookup, IActorRef replyTo)
{
    public int Id { get; } = id;

    public LookupKind Kind { get; } = kind;

    public byte[] Key { get; } = key;

    public KadLookup Lookup { get; } = lookup;

    public IActorRef ReplyTo { get; } = replyTo;

    public Stopwatch Elapsed { get; } = Stopwatch.StartNew();

    public int? BurstId { get; set; }

    /// <summary>Peers queried without a connection: each asked for a dht slot.</summary>
    public HashSet<PeerId> Claimed { get; } = new();

    /// <summary>Peers it has queried: each is in its burst until it ends.</summary>
    public HashSet<PeerId> Queried { get; } = new();

    /// <summary>Peers whose query is in flight.</summary>
    public HashSet<PeerId> InFlight { get; } = new();

    public int ConnectionsOpened { get; set; }

    /// <summary>The peer a <see cref="LookupKind.FindPeer"/> looks for.</summary>
    public PeerId? TargetPeer { get; init; }

    public int ProvidersWanted { get; init; }

    public byte[]? Value { get; init; }

    public Dictionary<PeerId, KadPeer> Providers { get; } = new();

    public KadPeer? FoundPeer { get; set; }

    public byte[]? FoundValue { get; set; }

    /// <summary>Deliveries (ADD_PROVIDER, PUT_VALUE) still in flight after the lookup converged.</summary>
    public int PendingDeliveries { get; set; }

    public int Delivered { get; set; }

    public bool Delivering { get; set; }

    public bool TimedOut { get; set; }

    /// <summary>The request each query of this lookup sends.</summary>
    public Message Request { get; init; } = new();
}
