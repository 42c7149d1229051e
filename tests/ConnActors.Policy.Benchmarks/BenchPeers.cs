using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Benchmarks;

/// <summary>
/// Deterministic benchmark populations: peer i connects inbound (even i, from its own /32) or outbound
/// (odd i), carries a static tag 0..19, and has four usefulness values 1..50: v2 records them as
/// signals, basic as four decaying tags (go's DHT/bitswap style), so both policies know the same.
/// </summary>
internal static class BenchPeers
{
    public const int StaticTag = 1;

    public static ConnectionDirection DirectionOf(int peer) => (peer & 1) == 0 ? ConnectionDirection.Inbound : ConnectionDirection.Outbound;

    public static RemoteAddress AddressOf(int peer) => RemoteAddress.IPv4(0x0B000000u + (uint)peer);

    /// <summary>v2 limits whose high water (85% of the cap) sits just below <paramref name="peers"/>.</summary>
    public static ConnectionLimits LimitsFor(int peers) => ConnectionLimits.DerivedFrom(peers * 110 / 100);

    /// <summary>
    /// A v2 policy for <paramref name="peers"/>. Trim-round benchmarks reconnect a whole round's victims (23% of
    /// the peers) at one instant between rounds, which the inbound rate cap above high water would refuse once the
    /// count is back at high water; they turn that admission cap off (<paramref name="inboundRateCap"/>), which
    /// takes no part in planning a round.
    /// </summary>
    public static ConnectionManagerPolicy NewV2(int peers, bool inboundRateCap = true) => new(new PolicySettings
    {
        Limits = LimitsFor(peers),
        Features = V2Features.All with { InboundRateCapAboveHighWater = inboundRateCap },
    });

    public static BasicConnectionManager NewBasic(int peers, out DecayingTagId[] tags)
    {
        var basic = new BasicConnectionManager(BasicSettings.FromLimits(LimitsFor(peers)));
        tags = new DecayingTagId[4];
        for (int i = 0; i < tags.Length; i++) tags[i] = basic.RegisterDecayingTag($"usefulness-{i}", 60_000, DecayRule.Fixed(1), BumpRule.SumUnbounded);
        return basic;
    }

    /// <summary>Connects peers 0..count-1 spread over the first minute.</summary>
    public static void Populate(ConnectionManagerPolicy v2, int count)
    {
        for (int p = 0; p < count; p++) ConnectV2(v2, p, p * 60_000L / count);
    }

    /// <inheritdoc cref="Populate(ConnectionManagerPolicy, int)"/>
    public static void Populate(BasicConnectionManager basic, DecayingTagId[] tags, int count, int decayingBase = 0)
    {
        for (int p = 0; p < count; p++) ConnectBasic(basic, tags, p, p * 60_000L / count, decayingBase);
    }

    public static void ConnectV2(ConnectionManagerPolicy v2, int peer, long nowMs)
    {
        var key = new PeerKey(peer);
        var address = AddressOf(peer);
        var verdict = DirectionOf(peer) == ConnectionDirection.Inbound ? v2.AdmitInbound(key, address, nowMs) : v2.AdmitOutbound(key, address, nowMs);
        if (!verdict.Admitted) throw new InvalidOperationException($"benchmark setup: v2 refused {key} ({verdict})");
        var rng = RandomFor(peer);
        int tag = rng.Next(20);
        if (tag > 0) v2.SetTag(key, StaticTag, tag, nowMs);
        for (int s = 0; s < 4; s++) v2.RecordSignal(key, (UsefulnessSignal)s, 1 + rng.Next(50), nowMs);
    }

    public static void ConnectBasic(BasicConnectionManager basic, DecayingTagId[] tags, int peer, long nowMs, int decayingBase = 0)
    {
        var key = new PeerKey(peer);
        var address = AddressOf(peer);
        if (DirectionOf(peer) == ConnectionDirection.Inbound) basic.AdmitInbound(key, address, nowMs);
        else basic.AdmitOutbound(key, address, nowMs);
        var rng = RandomFor(peer);
        int tag = rng.Next(20);
        if (tag > 0) basic.SetTag(key, StaticTag, tag, nowMs);
        foreach (var decaying in tags) basic.BumpDecayingTag(key, decaying, decayingBase + 1 + rng.Next(50), nowMs);
        basic.SetStreams(key, rng.Next(4));
    }

    public static void Close(IConnectionPolicy policy, int peer, long nowMs) =>
        policy.ConnectionClosed(new PeerKey(peer), DirectionOf(peer), AddressOf(peer), nowMs);

    private static DeterministicRandom RandomFor(int peer) => new(0xC0FFEEUL ^ (ulong)peer * 0x9E3779B97F4A7C15UL);
}
