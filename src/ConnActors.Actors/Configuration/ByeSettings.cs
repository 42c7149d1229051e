using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>The polite bye: whether we send it, the backoff we ask for, how many alternatives we offer.</summary>
public sealed record ByeSettings(bool Enabled, TimeSpan Backoff, int MaxAlternatives)
{
    internal static ByeSettings Read(HoconReader reader)
    {
        int alternatives = reader.Int("bye.max-alternatives");
        if (alternatives is < 0 or > 16) throw new PolicyConfigurationException(reader.Key("bye.max-alternatives"), $"must be in [0, 16], was {alternatives}");
        return new ByeSettings(reader.Bool("bye.enabled"), reader.Duration("bye.backoff"), alternatives);
    }
}
