namespace ConnActors.Libp2p.Kad;

/// <summary>Bounds on what a peer may send us over /ipfs/kad/1.0.0; anything beyond is bad input.</summary>
public sealed record KadLimits
{
    /// <summary>Largest message (its length prefix is checked before any byte is buffered).</summary>
    public int MaxMessageSize { get; init; } = 64 * 1024;

    /// <summary>Most closer peers plus provider peers in one message.</summary>
    public int MaxPeersPerMessage { get; init; } = 200;

    /// <summary>Most addresses one peer entry may carry.</summary>
    public int MaxAddressesPerPeer { get; init; } = 32;

    /// <summary>
    /// Most bytes of addresses one peer entry may carry, all its addresses together. A DNS name may be 253 bytes, so without
    /// it one entry of 32 addresses could pin 64 KiB, for every provider record it makes.
    /// </summary>
    public int MaxAddressBytesPerPeer { get; init; } = 4096;

    /// <summary>Longest key of a request.</summary>
    public int MaxKeyLength { get; init; } = 512;

    /// <summary>
    /// How long an inbound stream may wait for its next request before it is closed; also how long a response may wait for
    /// the peer to read it (a peer that sends requests and never reads the answers is bad input).
    /// </summary>
    public TimeSpan InboundIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Inbound streams served at once on one connection; a stream past that many is reset. Each holds a handler and up to
    /// a receive window, so without a bound one connection could pin the muxer's limit (256) of them.
    /// </summary>
    public int MaxInboundStreamsPerConnection { get; init; } = 32;

    /// <summary>Checks every bound; the message names the offending option.</summary>
    /// <exception cref="ArgumentException">A bound is out of range.</exception>
    public KadLimits Validate()
    {
        if (MaxMessageSize < 1024) throw new ArgumentException($"{nameof(MaxMessageSize)} must be at least 1024 bytes, not {MaxMessageSize}");
        if (MaxPeersPerMessage < 1) throw new ArgumentException($"{nameof(MaxPeersPerMessage)} must be at least 1, not {MaxPeersPerMessage}");
        if (MaxAddressesPerPeer < 1) throw new ArgumentException($"{nameof(MaxAddressesPerPeer)} must be at least 1, not {MaxAddressesPerPeer}");
        if (MaxAddressBytesPerPeer < 64) throw new ArgumentException($"{nameof(MaxAddressBytesPerPeer)} must be at least 64 bytes, not {MaxAddressBytesPerPeer}");
        if (MaxKeyLength < 34) throw new ArgumentException($"{nameof(MaxKeyLength)} must be at least 34 bytes (a multihash), not {MaxKeyLength}");
        if (MaxInboundStreamsPerConnection < 1)
            throw new ArgumentException($"{nameof(MaxInboundStreamsPerConnection)} must be at least 1, not {MaxInboundStreamsPerConnection}");
        if (InboundIdleTimeout <= TimeSpan.Zero) throw new ArgumentException($"{nameof(InboundIdleTimeout)} must be positive, not {InboundIdleTimeout}");
        return this;
    }
}
