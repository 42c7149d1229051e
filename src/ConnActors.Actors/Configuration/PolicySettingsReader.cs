using ConnActors.Policy.Bursts;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Peers;
using ConnActors.Policy.Politeness;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Configuration;

/// <summary>Reads the policy's settings from the <c>connactors</c> section; each key is spelled as in reference.conf.</summary>
internal static class PolicySettingsReader
{
    public static PolicySettings Read(HoconReader reader, ConnectionLimits limits) => new()
    {
        Limits = limits,
        Trim = new TrimSettings
        {
            GracePeriodMs = reader.Milliseconds("regulation.grace-period"),
            GraceMaxCount = reader.IntOrNull("regulation.grace-max-count"),
            MemoryLimitBytes = reader.Int("regulation.memory-limit-mb") * 1024L * 1024L,
            EmergencyTargetFraction = reader.Double("regulation.emergency-target"),
            FailedDialShare = reader.Double("regulation.failed-dial-share"),
            BurstLingerMs = reader.Milliseconds("regulation.burst-linger"),
        },
        Bye = new ByeBackoffSettings
        {
            BackoffMs = reader.Milliseconds("bye.backoff"),
            ActivePeerBackoffMs = reader.Milliseconds("bye.active-peer-backoff"),
            ActiveWindowMs = reader.Milliseconds("bye.active-window"),
            OwnTrimBackoffMs = reader.Milliseconds("bye.own-trim-backoff"),
        },
        Peers = new PeerRecordSettings
        {
            IdleExpiryMs = reader.Milliseconds("peers.idle-expiry"),
            MaxRecords = reader.IntOrNull("peers.max-records"),
        },
        Scoring = ReadScoring(reader),
        Bursts = new BurstSettings
        {
            ShortTauMs = reader.Milliseconds("bursts.short-tau"),
            LongTauMs = reader.Milliseconds("bursts.long-tau"),
            HeadroomHorizonMs = reader.Milliseconds("bursts.headroom-horizon"),
            SpikeFactor = reader.Double("bursts.spike-factor"),
            SpikeMinimumPerSecond = reader.Double("bursts.spike-minimum"),
        },
    };

    public static ConnectionLimits ReadLimitOverrides(HoconReader reader, ConnectionLimits limits)
    {
        var subnets = new SubnetLimits
        {
            MaxPerIPv4 = reader.Int("limits.subnets.max-per-ipv4"),
            MaxPerIPv6Slash56 = reader.Int("limits.subnets.max-per-ipv6-56"),
            MaxPerIPv6Slash48 = reader.Int("limits.subnets.max-per-ipv6-48"),
            InboundRatePerSecond = reader.Double("limits.subnets.inbound-rate"),
            InboundBurst = reader.Double("limits.subnets.inbound-burst"),
            IntervalAboveHighWaterMs = reader.Milliseconds("limits.subnets.interval-above-high-water"),
            ExemptLoopback = reader.Bool("limits.subnets.exempt-loopback"),
        };
        // A hard cap of its own re-derives everything that follows from it, unless also set below.
        limits = reader.IsSet("limits.hard-cap") ? ConnectionLimits.DerivedFrom(reader.Int("limits.hard-cap"), subnets) : limits with { Subnets = subnets };
        return limits with
        {
            HighWater = reader.IntOrProfile("limits.high-water", limits.HighWater),
            LowWater = reader.IntOrProfile("limits.low-water", limits.LowWater),
            OutboundReserve = reader.IntOrProfile("limits.outbound-reserve", limits.OutboundReserve),
            FriendReserve = reader.IntOrProfile("limits.friend-reserve", limits.FriendReserve),
            MaxPerPeer = reader.IntOrProfile("limits.max-per-peer", limits.MaxPerPeer),
            MaxPendingHandshakes = reader.IntOrProfile("limits.max-pending-handshakes", limits.MaxPendingHandshakes),
            DialConcurrency = reader.IntOrProfile("limits.dial-concurrency", limits.DialConcurrency),
            DialRatePerSecond = reader.DoubleOrProfile("limits.dial-rate", limits.DialRatePerSecond),
            InboundRateAboveHighWater = reader.DoubleOrProfile("limits.inbound-rate-above-high-water", limits.InboundRateAboveHighWater),
        };
    }

    public static PolitenessSettings ReadPoliteness(HoconReader reader, ConnectionLimits limits) => new()
    {
        FriendReconnect = ReadBackoff(reader, "friend-reconnect"),
        DialQueue = DialQueueSettings.Default.WithCapsOf(limits) with
        {
            MaxLength = reader.Int("dial.max-queue"),
            QueryDialRatePerSecond = reader.IsSet("dial.query-rate") ? reader.Double("dial.query-rate") : null,
            AgingIntervalMs = reader.Milliseconds("dial.aging-interval"),
        },
        DialBackoff = new DialBackoffSettings
        {
            Backoff = ReadBackoff(reader, "dial.backoff"),
            ForgetAfterMs = reader.Milliseconds("dial.forget-after"),
            RemoteByeCeilingMs = reader.Milliseconds("bye.honour-ceiling"),
        },
    };

    private static BackoffSettings ReadBackoff(HoconReader reader, string prefix) => new()
    {
        InitialMs = reader.Milliseconds($"{prefix}.initial"),
        Factor = reader.Double($"{prefix}.factor"),
        Jitter = reader.Double($"{prefix}.jitter"),
        CapMs = reader.Milliseconds($"{prefix}.cap"),
    };

    private static ScoreSettings ReadScoring(HoconReader reader) => new()
    {
        OverlapWeight = reader.Double("scoring.overlap-weight"),
        OutboundBonus = reader.Double("scoring.outbound-bonus"),
        TagLimit = reader.Double("scoring.tag-limit"),
        PenaltyHalfLifeMs = reader.Milliseconds("scoring.penalty-half-life"),
        PenaltyRetentionMs = reader.Milliseconds("scoring.penalty-retention"),
        PenaltyBarThreshold = reader.Double("scoring.penalty-bar-threshold"),
        PenaltyLimit = reader.Double("scoring.penalty-limit"),
        ByeViolationPenalty = reader.Double("scoring.bye-violation-penalty"),
        Signals = Enum.GetValues<UsefulnessSignal>().Select(signal =>
        {
            string key = $"scoring.signals.{ScoreSettings.SignalKey(signal)}";
            return new SignalWeight(reader.Double($"{key}.weight"), reader.Milliseconds($"{key}.half-life"), reader.Double($"{key}.saturation"));
        }).ToArray(),
    };
}
