namespace ConnActors.Policy.Peers;

/// <summary>
/// How long the policy remembers peers that have no connection, and how many it remembers at most.
/// A record with nothing to remember is dropped when the peer's last connection closes. One with
/// something to remember (tags, a lock, a subsystem claim, a penalty, a bye we sent) is dropped
/// <see cref="IdleExpiryMs"/> after it became idle, or when its penalty or bye window ends if that is
/// later. Friends and protected peers are never dropped while they are.
/// </summary>
public sealed record PeerRecordSettings
{
    /// <summary>Defaults: records expire 10 minutes after they become idle; the bound derives from the hard cap.</summary>
    public static PeerRecordSettings Default { get; } = new();

    /// <summary>How long an idle record is kept for its tags, lock or claims (penalties and byes may keep it longer).</summary>
    public long IdleExpiryMs { get; init; } = 10 * 60_000;

    /// <summary>Most records at once; null means <see cref="DefaultMaxRecordsFor"/> the hard cap.</summary>
    public int? MaxRecords { get; init; }

    /// <summary>16 records per hard-cap slot, at least 4,096 and at most 2,000,000 (never below twice the hard cap).</summary>
    public static int DefaultMaxRecordsFor(int hardCap) => (int)Math.Min(int.MaxValue, Math.Max(2L * hardCap, Math.Clamp(16L * hardCap, 4_096, 2_000_000)));

    /// <summary>The bound for a node with <paramref name="hardCap"/>.</summary>
    public int MaxRecordsFor(int hardCap) => MaxRecords ?? DefaultMaxRecordsFor(hardCap);

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public PeerRecordSettings Validate(int hardCap)
    {
        PolicyConfigurationException.Require(IdleExpiryMs >= 0, "peers.idle-expiry", $"must be >= 0, was {IdleExpiryMs} ms");
        PolicyConfigurationException.Require(MaxRecordsFor(hardCap) >= 2 * hardCap, "peers.max-records",
            $"must be at least twice limits.hard-cap ({2 * hardCap}) so that connected peers and friends always fit, was {MaxRecordsFor(hardCap)}");
        return this;
    }
}
