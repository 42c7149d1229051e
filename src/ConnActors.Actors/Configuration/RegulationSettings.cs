using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>When regulation rounds run and how memory pressure is handled.</summary>
public sealed record RegulationSettings(TimeSpan Interval, TimeSpan GracePeriod, long MemoryLimitBytes, double EmergencyTarget, double FailedDialShare, TimeSpan BurstLinger)
{
    internal static RegulationSettings Read(HoconReader reader)
    {
        var interval = reader.Duration("regulation.interval");
        if (interval < TimeSpan.FromMilliseconds(10)) throw new PolicyConfigurationException(reader.Key("regulation.interval"), $"must be at least 10ms, was {interval}");
        // Ranges are checked once, by the policy's TrimSettings.
        long memoryMb = reader.Int("regulation.memory-limit-mb");
        return new RegulationSettings(interval, reader.Duration("regulation.grace-period"), memoryMb * 1024L * 1024L,
            reader.Double("regulation.emergency-target"), reader.Double("regulation.failed-dial-share"), reader.Duration("regulation.burst-linger"));
    }
}
