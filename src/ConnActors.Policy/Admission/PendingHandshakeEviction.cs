namespace ConnActors.Policy.Admission;

/// <summary>One inbound handshake in progress, as the eviction decision sees it.</summary>
/// <param name="Subnet">Its <see cref="RemoteAddress.PendingShareKey"/>.</param>
/// <param name="StartedMs">When it passed the address gate.</param>
public readonly record struct PendingHandshake(ulong Subnet, long StartedMs);

/// <summary>
/// When every pending-handshake slot is taken, a newcomer need not be refused: like a full SYN backlog or
/// conntrack's early drop, the slot of a handshake from the subnet that holds the most slots is taken
/// back, so that no subnet holds more than its share while another waits. Within that subnet the oldest
/// handshake goes (a pending handshake has had the longest to finish; a slowloris never does).
/// </summary>
public static class PendingHandshakeEviction
{
    /// <summary>
    /// The index in <paramref name="pending"/> of the handshake to abort so that a newcomer from
    /// <paramref name="newcomerSubnet"/> may take its slot, or -1 to refuse the newcomer: only a subnet
    /// holding at least two slots more than the newcomer's gives one up, so evictions never shuttle a slot
    /// back and forth between equal subnets.
    /// </summary>
    public static int ChooseVictim(ReadOnlySpan<PendingHandshake> pending, ulong newcomerSubnet)
    {
        if (pending.Length == 0) return -1;
        var counts = new Dictionary<ulong, int>(Math.Min(pending.Length, 64));
        foreach (var p in pending)
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, p.Subnet, out _)++;
        counts.TryGetValue(newcomerSubnet, out int newcomerHolds);
        ulong widest = 0;
        int most = -1;
        foreach (var (subnet, count) in counts)
        {
            // Ties go to the smaller key, so the choice does not depend on the dictionary's order.
            if (count > most || (count == most && subnet < widest)) (widest, most) = (subnet, count);
        }
        if (most < newcomerHolds + 2) return -1;
        int victim = -1;
        for (int i = 0; i < pending.Length; i++)
        {
            if (pending[i].Subnet != widest) continue;
            if (victim < 0 || pending[i].StartedMs < pending[victim].StartedMs) victim = i;
        }
        return victim;
    }
}
