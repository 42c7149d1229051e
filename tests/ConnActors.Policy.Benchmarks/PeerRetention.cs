using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// Drives distinct peers through connect, tag, penalize (every tenth) and disconnect, as the churn of a
/// public network does, and reports the policy's retained memory (<see cref="GC.GetTotalMemory(bool)"/>
/// after a full collection): before, at the end of the churn (records still within their expiry or
/// penalty retention, bounded by <c>peers.max-records</c>), and once their time is up.
/// </summary>
internal static class PeerRetention
{
    private const long IdleExpiryMs = 10 * 60_000;

    public static int Run(TextWriter output, int peers)
    {
        var policy = new ConnectionManagerPolicy(new PolicySettings
        {
            Limits = ResourceProfiles.For(ResourceProfile.Server),
            Peers = new Peers.PeerRecordSettings { IdleExpiryMs = IdleExpiryMs },
        });
        long forgotten = 0;
        policy.PeerForgotten = _ => forgotten++;
        long baseline = Retained();
        long now = 0;
        int peakRecords = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (int p = 0; p < peers; p++)
        {
            var peer = new PeerKey(p);
            var address = RemoteAddress.IPv4((uint)(0x0A000000 + p));
            now += 1;
            if (!policy.AdmitInbound(peer, address, now).Admitted) throw new InvalidOperationException($"peer {p} refused");
            policy.SetTag(peer, tag: 1, value: 10, now);
            if (p % 10 == 0) policy.Penalize(peer, 5, now);
            policy.ConnectionClosed(peer, ConnectionDirection.Inbound, address, now);
            if (p % 1_000 == 0) policy.Tick(now);
            peakRecords = Math.Max(peakRecords, policy.TrackedPeers);
        }
        long afterChurn = Retained();
        int recordsAfterChurn = policy.TrackedPeers;
        now += Math.Max(IdleExpiryMs, policy.Settings.Scoring.PenaltyRetentionMs) + 1;
        policy.Tick(now);
        long afterExpiry = Retained();
        GC.KeepAlive(policy);

        output.WriteLine($"{peers:N0} distinct peers through connect, tag, penalty (1 in 10) and disconnect; server profile (hard cap {policy.Settings.Limits.HardCap:N0}, " +
            $"max records {policy.Settings.Peers.MaxRecordsFor(policy.Settings.Limits.HardCap):N0}), idle expiry {IdleExpiryMs / 60_000} min, penalty retention {policy.Settings.Scoring.PenaltyRetentionMs / 3_600_000} h");
        output.WriteLine();
        output.WriteLine("| moment | records | retained memory |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine($"| before | 0 | {Mb(baseline)} |");
        output.WriteLine($"| end of churn (peak records {peakRecords:N0}) | {recordsAfterChurn:N0} | {Mb(afterChurn)} |");
        output.WriteLine($"| after expiry | {policy.TrackedPeers:N0} | {Mb(afterExpiry)} |");
        output.WriteLine();
        var (evicted, expired) = policy.DroppedRecords;
        output.WriteLine($"records forgotten {forgotten:N0} (evicted at the bound {evicted:N0}, expired {expired:N0}); penalties held {policy.Penalties.Count:N0}; " +
            $"after expiry {Mb(afterExpiry - baseline)} above the baseline; {started.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static long Retained() => GC.GetTotalMemory(forceFullCollection: true);

    private static string Mb(long bytes) => $"{bytes / 1048576.0:F2} MB";
}
