using BenchmarkDotNet.Attributes;
using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// One inbound admission decision on the desktop profile holding 100 connections, followed by the close
/// that keeps the state steady. Attempts rotate over 4,096 peers and /32s, 10 ms apart, so every
/// attempt passes the subnet rate limit: the benchmark measures the admitting path end to end.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class AdmissionBenchmarks
{
    private const int Steady = 100;
    private const int Rotation = 4_096;

    private ConnectionManagerPolicy _v2 = null!;
    private BasicConnectionManager _basic = null!;
    private long _nowMs;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var limits = ResourceProfiles.For(ResourceProfile.Desktop);
        _v2 = new ConnectionManagerPolicy(new PolicySettings { Limits = limits });
        _basic = new BasicConnectionManager(BasicSettings.FromLimits(limits));
        for (int p = 0; p < Steady; p++)
        {
            BenchPeers.ConnectV2(_v2, p, p);
            _basic.AdmitInbound(new PeerKey(p), BenchPeers.AddressOf(p), p);
        }
        _nowMs = 60_000;
        for (int i = 0; i < 2 * Rotation; i++)
        {
            if (V2_AddressGateHandshakeClose() != RefusalReason.None) throw new InvalidOperationException("v2 refused during warm-up: the benchmark would not measure admission");
            Basic_AdmitClose();
        }
    }

    [Benchmark(Baseline = true)]
    public RefusalReason Basic_AdmitClose()
    {
        var (peer, address) = NextAttempt();
        var verdict = _basic.AdmitInbound(peer, address, _nowMs);
        _basic.ConnectionClosed(peer, ConnectionDirection.Inbound, address, _nowMs);
        return verdict.Reason;
    }

    [Benchmark]
    public RefusalReason V2_AddressGateHandshakeClose()
    {
        var (peer, address) = NextAttempt();
        var gate = _v2.CheckInboundAddress(address, _nowMs);
        if (!gate.Admitted) return gate.Reason;
        var verdict = _v2.CompleteInboundHandshake(peer, address, _nowMs);
        if (verdict.Admitted) _v2.ConnectionClosed(peer, ConnectionDirection.Inbound, address, _nowMs);
        return verdict.Reason;
    }

    private (PeerKey Peer, RemoteAddress Address) NextAttempt()
    {
        _nowMs += 10;
        int i = _next++ & (Rotation - 1);
        return (new PeerKey(Steady + i), RemoteAddress.IPv4(0x0C000000u + (uint)i));
    }
}
