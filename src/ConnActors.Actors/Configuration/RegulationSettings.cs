using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>How often the manager checks whether a regulation round is due (the rest of <c>regulation.*</c> is the policy's).</summary>
public sealed record RegulationSettings(TimeSpan Interval)
{
    internal static RegulationSettings Read(HoconReader reader)
    {
        var interval = reader.Duration("regulation.interval");
        if (interval < TimeSpan.FromMilliseconds(10)) throw new PolicyConfigurationException(reader.Key("regulation.interval"), $"must be at least 10ms, was {interval}");
        return new RegulationSettings(interval);
    }
}
