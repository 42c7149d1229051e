using Akka.Configuration;

namespace ConnActors.Actors.Configuration;

/// <summary>The defaults of every ConnActors setting: the embedded <c>reference.conf</c>.</summary>
public static class ReferenceConfig
{
    private static readonly Lazy<Config> Loaded = new(Load);

    /// <summary>The parsed reference configuration.</summary>
    public static Config Default => Loaded.Value;

    /// <summary><paramref name="config"/> with the reference defaults behind it.</summary>
    public static Config WithDefaults(Config config) => config.WithFallback(Default);

    private static Config Load()
    {
        var assembly = typeof(ReferenceConfig).Assembly;
        using var stream = assembly.GetManifestResourceStream("ConnActors.Actors.reference.conf")
            ?? throw new InvalidOperationException("the embedded reference.conf is missing from ConnActors.Actors");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
