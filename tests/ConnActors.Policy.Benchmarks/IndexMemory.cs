using ConnActors.Policy.Engine;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// Bytes retained per tracked peer, measured with <see cref="GC.GetTotalMemory(bool)"/> around building
/// 100,000 peers: v2's peer index alone (outbound peers, no tags, no subnets), v2's whole state for the
/// benchmark population (plus subnet counters and rate buckets of 50,000 /32s and the tag dictionary),
/// and basic for the same population.
/// </summary>
internal static class IndexMemory
{
    private const int Peers = 100_000;

    public static int Run(TextWriter output)
    {
        output.WriteLine($"Retained memory at {Peers:N0} tracked peers (GC.GetTotalMemory after a full collection)");
        output.WriteLine();
        output.WriteLine("| state | bytes per peer |");
        output.WriteLine("|---|---:|");
        output.WriteLine($"| v2 PeerTable slot (ConnectionManagerPolicy.IndexBytesPerPeer, static) | {ConnectionManagerPolicy.IndexBytesPerPeer} |");
        output.WriteLine($"| v2 index only (outbound peers, no tags) | {Measure(BuildV2IndexOnly):N0} |");
        output.WriteLine($"| v2 whole policy, benchmark population | {Measure(BuildV2Full):N0} |");
        output.WriteLine($"| basic whole policy, benchmark population | {Measure(BuildBasicFull):N0} |");
        return 0;
    }

    private static long Measure(Func<object> build)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var state = build();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(state);
        return (after - before) / Peers;
    }

    private static object BuildV2IndexOnly()
    {
        var v2 = BenchPeers.NewV2(Peers);
        for (int p = 0; p < Peers; p++) v2.AdmitOutbound(new PeerKey(p), BenchPeers.AddressOf(p), p);
        return v2;
    }

    private static object BuildV2Full()
    {
        var v2 = BenchPeers.NewV2(Peers);
        BenchPeers.Populate(v2, Peers);
        return v2;
    }

    private static object BuildBasicFull()
    {
        var basic = BenchPeers.NewBasic(Peers, out var tags);
        BenchPeers.Populate(basic, tags, Peers);
        return basic;
    }
}
