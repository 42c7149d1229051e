using ConnActors.Policy.Collections;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Rates;

namespace ConnActors.Policy.Admission;

/// <summary>
/// Connection counts and inbound rate buckets per subnet. Entries exist only while a subnet has
/// connections or a bucket that is not yet full again, so memory follows the active subnets.
/// </summary>
internal sealed class SubnetTable
{
    private readonly SubnetLimits _limits;
    private readonly OpenIntMap<ulong> _ipv4Counts = new();
    private readonly OpenIntMap<ulong> _ipv6Slash56Counts = new();
    private readonly OpenIntMap<ulong> _ipv6Slash48Counts = new();
    private readonly Dictionary<ulong, CompactBucket> _ipv4Buckets = new();
    private readonly Dictionary<ulong, CompactBucket> _ipv6Buckets = new();
    private const int MinBucketsBeforeCleanup = 32;
    private int _operationsSinceCleanup;
    private int _bucketsAfterCleanup;

    public SubnetTable(SubnetLimits limits) => _limits = limits;

    public int TrackedBuckets => _ipv4Buckets.Count + _ipv6Buckets.Count;

    public int CountFor(in RemoteAddress address) =>
        address.IsIPv6 ? Get(_ipv6Slash56Counts, address.IPv6Slash56Key) : Get(_ipv4Counts, address.IPv4Key);

    /// <summary>Checks the subnet's count caps (no side effect).</summary>
    public RefusalReason CheckCounts(in RemoteAddress address)
    {
        if (_limits.ExemptLoopback && address.IsLoopback) return RefusalReason.None;
        if (!address.IsIPv6)
            return Get(_ipv4Counts, address.IPv4Key) >= _limits.MaxPerIPv4 ? RefusalReason.SubnetCap : RefusalReason.None;
        if (Get(_ipv6Slash56Counts, address.IPv6Slash56Key) >= _limits.MaxPerIPv6Slash56) return RefusalReason.SubnetCap;
        if (Get(_ipv6Slash48Counts, address.IPv6Slash48Key) >= _limits.MaxPerIPv6Slash48) return RefusalReason.WideSubnetCap;
        return RefusalReason.None;
    }

    /// <summary>Takes one token from the subnet's inbound bucket; false when the subnet is over its rate.</summary>
    public bool TryTakeInboundToken(in RemoteAddress address, long nowMs)
    {
        if (_limits.ExemptLoopback && address.IsLoopback) return true;
        MaybeCleanup(nowMs);
        var buckets = address.IsIPv6 ? _ipv6Buckets : _ipv4Buckets;
        ulong key = address.IsIPv6 ? address.IPv6Slash56Key : address.IPv4Key;
        ref var bucket = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(buckets, key, out bool exists);
        if (!exists) bucket = CompactBucket.Full(_limits.InboundBurst, nowMs);
        return bucket.TryTake(_limits.InboundRatePerSecond, _limits.InboundBurst, nowMs);
    }

    public void Add(in RemoteAddress address)
    {
        if (!address.IsIPv6)
        {
            Increment(_ipv4Counts, address.IPv4Key);
            return;
        }
        Increment(_ipv6Slash56Counts, address.IPv6Slash56Key);
        Increment(_ipv6Slash48Counts, address.IPv6Slash48Key);
    }

    public void Remove(in RemoteAddress address)
    {
        if (!address.IsIPv6)
        {
            Decrement(_ipv4Counts, address.IPv4Key);
            return;
        }
        Decrement(_ipv6Slash56Counts, address.IPv6Slash56Key);
        Decrement(_ipv6Slash48Counts, address.IPv6Slash48Key);
    }

    private static int Get(OpenIntMap<ulong> counts, ulong key) => counts.TryGetValue(key, out int count) ? count : 0;

    private static void Increment(OpenIntMap<ulong> counts, ulong key) => counts.ValueRefOrAdd(key, out _)++;

    private static void Decrement(OpenIntMap<ulong> counts, ulong key)
    {
        ref int count = ref counts.ValueRefOrNull(key);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count)) return;
        if (--count <= 0) counts.Remove(key);
    }

    // Full buckets carry no state; dropping them every so often keeps the table proportional to the
    // subnets that were active recently. Amortized: one pass per 4096 inbound attempts, or sooner once the
    // table has doubled since the last pass (a node met by few attempts from many addresses would otherwise
    // keep a bucket for every address it ever saw).
    private void MaybeCleanup(long nowMs)
    {
        if (++_operationsSinceCleanup < 4096 && TrackedBuckets < Math.Max(MinBucketsBeforeCleanup, 2 * _bucketsAfterCleanup)) return;
        _operationsSinceCleanup = 0;
        DropFull(_ipv4Buckets, nowMs);
        DropFull(_ipv6Buckets, nowMs);
        _bucketsAfterCleanup = TrackedBuckets;
    }

    private void DropFull(Dictionary<ulong, CompactBucket> buckets, long nowMs)
    {
        foreach (var (key, bucket) in buckets)
        {
            if (bucket.IsFull(_limits.InboundRatePerSecond, _limits.InboundBurst, nowMs)) buckets.Remove(key);
        }
    }
}
