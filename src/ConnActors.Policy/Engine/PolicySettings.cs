using ConnActors.Policy.Bursts;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Engine;

/// <summary>All settings of the v2 policy engine; <see cref="Validate"/> checks each and their coherence.</summary>
public sealed record PolicySettings
{
    /// <summary>Connection limits (one source of truth for every bound).</summary>
    public required ConnectionLimits Limits { get; init; }

    /// <summary>Scoring weights.</summary>
    public ScoreSettings Scoring { get; init; } = ScoreSettings.Default;

    /// <summary>Burst and arrival model.</summary>
    public BurstSettings Bursts { get; init; } = BurstSettings.Default;

    /// <summary>Regulation rounds.</summary>
    public TrimSettings Trim { get; init; } = TrimSettings.Default;

    /// <summary>How long peers without a connection are remembered, and how many at most.</summary>
    public Peers.PeerRecordSettings Peers { get; init; } = ConnActors.Policy.Peers.PeerRecordSettings.Default;

    /// <summary>Which v2 design choices are on (all, except in ablation studies).</summary>
    public V2Features Features { get; init; } = V2Features.All;

    /// <summary>Settings for a resource profile with every other default.</summary>
    public static PolicySettings ForProfile(ResourceProfile profile) => new() { Limits = ResourceProfiles.For(profile) };

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public PolicySettings Validate()
    {
        Limits.Validate();
        Scoring.Validate();
        Bursts.Validate();
        Trim.Validate(Limits.HardCap);
        Peers.Validate(Limits.HardCap);
        return this;
    }
}
