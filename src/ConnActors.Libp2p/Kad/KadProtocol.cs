namespace ConnActors.Libp2p.Kad;

/// <summary>Constants of the libp2p Kademlia DHT specification.</summary>
public static class KadProtocol
{
    /// <summary>The protocol id.</summary>
    public const string Id = "/ipfs/kad/1.0.0";

    /// <summary>The replication parameter and bucket size the spec recommends.</summary>
    public const int DefaultK = 20;

    /// <summary>The lookup concurrency this node uses by default (the Kademlia paper's; go uses 10).</summary>
    public const int DefaultAlpha = 3;
}
