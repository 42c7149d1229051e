namespace ConnActors.Sim.Metrics;

/// <summary>Counters and distributions gathered during one run.</summary>
internal sealed class SimMetrics
{
    public long Opens, Closes, ChurnCloses, Trims, ReclaimCloses;
    public long LocalRefusals, RemoteRefusals, DialsToOffline, RouterOverflows;
    /// <summary>Dials by a trimmed (or reclaimed) peer to the node that closed it, within the bye window.</summary>
    public long PolitenessViolations;
    /// <summary>Dials by a peer a policy closed (trim, reclaim or release) to the closing node within the bye window.</summary>
    public long RedialsByClosedPeer;
    /// <summary>Dials by a node to a peer its policy closed within the bye window.</summary>
    public long RedialsByCloser;
    /// <summary>Of <see cref="RedialsByCloser"/>, those after a trim or reclaim of a peer whose last use was not a finished burst (not a burst release, not a lingering query peer).</summary>
    public long RedialsAfterOwnTrim;
    public long DialsSkippedForBye;
    /// <summary>Dials a v2 node held back because it had trimmed the peer itself within <c>bye.own-trim-backoff</c>.</summary>
    public long DialsHeldAfterOwnTrim;
    /// <summary>Dials and inbound connections refused because the node's router entries (open, in flight, lingering) filled its site share.</summary>
    public long SiteEntryRefusals;
    /// <summary>Connections closed by a policy: trims and reclaims.</summary>
    public long PolicyCloses;
    /// <summary>Connections v2 released when the burst that opened them ended.</summary>
    public long BurstReleases;
    /// <summary>Policy closes of a peer that was useful to the closing node within the usefulness window.</summary>
    public long UsefulPeerTrims;
    /// <summary>Burst releases of a peer that was useful to the releasing node within the usefulness window (a query answered, mostly).</summary>
    public long UsefulPeerReleases;
    /// <summary>Policy closes of a connection on which the closing node had been useful to the peer within the window.</summary>
    public long TrimsOfUsefulToPeer;
    /// <summary>Gossipsub mesh links lost to policy closes.</summary>
    public long MeshLinksTrimmed;
    /// <summary>Ends of policy-closed connections whose other end was in their DHT routing table.</summary>
    public long RoutingTableTrims;
    /// <summary>Useful deliveries: DHT answers, first pubsub deliveries, content fetched from a gateway or crowd target.</summary>
    public long UsefulMessages;
    public long DhtStarvations, PubsubStarvations;
    public long Lookups, LookupSuccesses;
    public long Messages, Deliveries, ExpectedDeliveries;
    public long FriendSamples, FriendConnectedSamples;
    public long CrowdDials, CrowdAdmitted;
    public long WorkUnitsOfRetiredEngines;
    /// <summary>Fleet: clients' visits to a gateway, and those a member served (the one reached, or the one the client was steered to).</summary>
    public long GatewayVisits, GatewayVisitsServed;
    /// <summary>Fleet: trims of a client by a member, and those after which the client had no connection to any member.</summary>
    public long FleetTrims, FleetPeersLost;
    /// <summary>Fleet: trimmed clients still connected to another member at the trim (a duplicate kept them in the fleet).</summary>
    public long FleetPeersKeptByDuplicate;
    /// <summary>Fleet: trims offered to a member with room, offers the member took (it and the client still online), and clients connected to it after.</summary>
    public long HandoffsOffered, HandoffsAccepted, HandoffsCompleted;
    /// <summary>Fleet: handoffs offered of a client that another member still held.</summary>
    public long HandoffsOfHeldPeers;
    /// <summary>Fleet: handed-off clients their target trimmed within a minute of taking them.</summary>
    public long HandoffsRetrimmed;
    /// <summary>Fleet: inbound duplicates a member closed with a bye naming the member that keeps the client.</summary>
    public long DuplicatesSteered;
    public double OnlineNodeMinutes;

    public Histogram LookupHops { get; } = new(1, 64);
    /// <summary>Per measured lookup: queries sent, and the connections its queries opened (a query to a peer not connected yet).</summary>
    public Histogram LookupQueries { get; } = new(1, 256);
    public Histogram LookupOpened { get; } = new(1, 256);
    public Histogram LookupLatencyMs { get; } = new(10, 12_000);
    public Histogram DeliveryLatencyMs { get; } = new(5, 4_000);
    public KaplanMeier Sessions { get; } = new();
    public List<SampleRow> Samples { get; } = new();

    public long Starvations => DhtStarvations + PubsubStarvations;



    public double FriendUptime => FriendSamples == 0 ? double.NaN : FriendConnectedSamples / (double)FriendSamples;
}
