using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>When regulation rounds run and how memory pressure is handled.</summary>
public sealed record RegulationSettings(TimeSpan Interval, TimeSpan GracePeriod, long MemoryLimitBytes, double EmergencyTarget)
{
    internal static RegulationSettings Read(HoconReader reader)
    {
        var interval = reader.Duration("regulation.interval");
        if (interval < TimeSpan.FromMilliseconds(10)) throw new PolicyConfigurationException(reader.Key("regulation.interval"), $"must be at least 10ms, was {interval}");
        int memoryMb = reader.Int("regulation.memory-limit-mb");
        if (memoryMb < 0) throw new PolicyConfigurationException(reader.Key("regulation.memory-limit-mb"), $"must be >= 0, was {memoryMb}");
        double target = reader.Double("regulation.emergency-target");
        if (target is < 0 or > 1) throw new PolicyConfigurationException(reader.Key("regulation.emergency-target"), $"must be in [0, 1], was {target}");
        return new RegulationSettings(interval, reader.Duration("regulation.grace-period"), memoryMb * 1024L * 1024L, target);
    }
}
