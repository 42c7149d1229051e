namespace ConnActors.Policy.Scoring;

/// <summary>Measured signs that a peer is useful to us; each feeds a decaying score component.</summary>
public enum UsefulnessSignal : byte
{
    /// <summary>A stream was opened to or by the peer.</summary>
    StreamOpened = 0,

    /// <summary>Bytes exchanged with the peer (amount in bytes).</summary>
    BytesTransferred = 1,

    /// <summary>A request to the peer succeeded (a DHT query answered, a block served).</summary>
    SuccessfulQuery = 2,

    /// <summary>The peer was first to deliver a pubsub message to us.</summary>
    FirstDelivery = 3,
}
