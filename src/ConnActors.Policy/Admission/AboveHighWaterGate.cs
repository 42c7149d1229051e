using ConnActors.Policy.Limits;
using ConnActors.Policy.Rates;

namespace ConnActors.Policy.Admission;

/// <summary>
/// Inbound rate caps that apply only while a node is at or above high water: a global token bucket
/// (<see cref="ConnectionLimits.InboundRateAboveHighWater"/> new inbound connections per second) and, per IPv4 /32
/// or IPv6 /56, at most one new connection per interval. A flood that arrives when the node is full is
/// refused at the address gate, before any handshake, instead of being admitted and trimmed. Subnet
/// entries older than the interval are dropped every 4,096 checks, so memory follows the active subnets.
/// </summary>
internal sealed class AboveHighWaterGate
{
    private readonly long _subnetIntervalMs;
    private readonly bool _exemptLoopback;
    private readonly bool _globalCap;
    private TokenBucket _global;
    private readonly Dictionary<ulong, long> _lastAdmittedMs = new();
    private int _checksSinceCleanup;

    public AboveHighWaterGate(double ratePerSecond, long subnetIntervalMs, bool exemptLoopback, long nowMs = 0)
    {
        _globalCap = ratePerSecond > 0;
        if (_globalCap) _global = new TokenBucket(ratePerSecond, Math.Max(1, ratePerSecond), nowMs);
        _subnetIntervalMs = subnetIntervalMs;
        _exemptLoopback = exemptLoopback;
    }

    /// <summary>The subnets remembered now.</summary>
    public int TrackedSubnets => _lastAdmittedMs.Count;

    /// <summary>May an inbound attempt from <paramref name="address"/> proceed above high water? Takes its share if so.</summary>
    public RefusalReason Check(in RemoteAddress address, long nowMs)
    {
        if (_exemptLoopback && address.IsLoopback) return RefusalReason.None;
        if (_subnetIntervalMs <= 0) return _globalCap && !_global.TryTake(nowMs) ? RefusalReason.InboundRateAboveHighWater : RefusalReason.None;
        MaybeCleanup(nowMs);
        ulong key = address.IsIPv6 ? address.IPv6Slash56Key : address.IPv4Key;
        ref long last = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_lastAdmittedMs, key, out bool known);
        if (known && nowMs - last < _subnetIntervalMs) return RefusalReason.SubnetRateAboveHighWater;
        if (_globalCap && !_global.TryTake(nowMs))
        {
            if (!known) _lastAdmittedMs.Remove(key);
            return RefusalReason.InboundRateAboveHighWater;
        }
        last = nowMs;
        return RefusalReason.None;
    }

    private void MaybeCleanup(long nowMs)
    {
        if (++_checksSinceCleanup < 4096) return;
        _checksSinceCleanup = 0;
        foreach (var (key, last) in _lastAdmittedMs)
        {
            if (nowMs - last >= _subnetIntervalMs) _lastAdmittedMs.Remove(key);
        }
    }
}
