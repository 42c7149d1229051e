using ConnActors.Policy.Admission;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    private AboveHighWaterGate? _aboveHighWater;

    /// <summary>Subnets the above-high-water gate remembers (for memory figures).</summary>
    public int AboveHighWaterSubnets => _aboveHighWater?.TrackedSubnets ?? 0;

    // Under pressure an unknown address is held to the above-high-water rates: a flood that arrives when
    // the node is full, or is trimming its way back from full, is refused before its handshake rather
    // than admitted and trimmed.
    private bool UnderInboundPressure(long nowMs)
    {
        int count = EffectiveConnections + _pendingInbound;
        if (count >= Limits.HighWater) return true;
        return count > Limits.LowWater && (_followUpAtMs != long.MaxValue || (Settings.Features.BurstModel && _arrivals.IsSpike(nowMs)));
    }

    private RefusalReason CheckAboveHighWater(in RemoteAddress address, long nowMs, bool privilegedAddress)
    {
        if (privilegedAddress || !Settings.Features.InboundRateCapAboveHighWater) return RefusalReason.None;
        if (!UnderInboundPressure(nowMs)) return RefusalReason.None;
        if (Limits.InboundRateAboveHighWater <= 0 && Limits.Subnets.IntervalAboveHighWaterMs <= 0) return RefusalReason.None;
        _aboveHighWater ??= new AboveHighWaterGate(Limits.InboundRateAboveHighWater, Limits.Subnets.IntervalAboveHighWaterMs, Limits.Subnets.ExemptLoopback, nowMs);
        return _aboveHighWater.Check(in address, nowMs);
    }
}
