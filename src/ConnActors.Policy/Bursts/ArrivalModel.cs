using ConnActors.Policy.Admission;
using ConnActors.Policy.Rates;

namespace ConnActors.Policy.Bursts;

/// <summary>
/// The arrival-rate model: EWMAs of inbound and outbound connection arrivals over a short and a long
/// time constant. The long rate predicts how many connections arrive over the next horizon (the
/// headroom regulation keeps free); a short rate well above the long one is a spike.
/// </summary>
public sealed class ArrivalModel
{
    private readonly BurstSettings _settings;
    private EwmaRate _inboundShort, _inboundLong, _outboundShort, _outboundLong;

    /// <summary>Creates a model with no history.</summary>
    public ArrivalModel(BurstSettings settings)
    {
        _settings = settings;
        _inboundShort = new EwmaRate(settings.ShortTauMs);
        _outboundShort = new EwmaRate(settings.ShortTauMs);
        _inboundLong = new EwmaRate(settings.LongTauMs);
        _outboundLong = new EwmaRate(settings.LongTauMs);
    }

    /// <summary>Records a new connection.</summary>
    public void RecordArrival(ConnectionDirection direction, long nowMs)
    {
        if (direction == ConnectionDirection.Inbound)
        {
            _inboundShort.Record(nowMs);
            _inboundLong.Record(nowMs);
        }
        else
        {
            _outboundShort.Record(nowMs);
            _outboundLong.Record(nowMs);
        }
    }

    /// <summary>Long-run arrival rate (per second), both directions.</summary>
    public double LongRatePerSecond(long nowMs) => _inboundLong.PerSecond(nowMs) + _outboundLong.PerSecond(nowMs);

    /// <summary>Short-run arrival rate (per second), both directions.</summary>
    public double ShortRatePerSecond(long nowMs) => _inboundShort.PerSecond(nowMs) + _outboundShort.PerSecond(nowMs);

    /// <summary>Inbound long-run rate per second.</summary>
    public double InboundRatePerSecond(long nowMs) => _inboundLong.PerSecond(nowMs);

    /// <summary>Outbound long-run rate per second.</summary>
    public double OutboundRatePerSecond(long nowMs) => _outboundLong.PerSecond(nowMs);

    /// <summary>Connections expected to arrive within the horizon at the long-run rate.</summary>
    public int ExpectedArrivals(long nowMs) =>
        (int)Math.Ceiling(LongRatePerSecond(nowMs) * _settings.HeadroomHorizonMs / 1000.0);

    /// <summary>
    /// True when the short-run INBOUND rate is a spike against its long-run rate. Outbound arrivals are
    /// our own dials: trimming to make room for them would close the peers we just chose.
    /// </summary>
    public bool IsSpike(long nowMs)
    {
        double shortRate = _inboundShort.PerSecond(nowMs);
        return shortRate >= _settings.SpikeMinimumPerSecond && shortRate >= _settings.SpikeFactor * _inboundLong.PerSecond(nowMs);
    }
}
