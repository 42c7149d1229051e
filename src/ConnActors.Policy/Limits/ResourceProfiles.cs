namespace ConnActors.Policy.Limits;

/// <summary>
/// The limits of each <see cref="ResourceProfile"/>. Each profile names only its hard cap and the bounds
/// that do not scale with it; everything else is derived by <see cref="ConnectionLimits.DerivedFrom"/>.
/// </summary>
public static class ResourceProfiles
{
    /// <summary>The limits of <paramref name="profile"/>, validated.</summary>
    public static ConnectionLimits For(ResourceProfile profile) => profile switch
    {
        // A browser tab or IoT device: few sockets, low dial rate.
        ResourceProfile.Tiny => ConnectionLimits.DerivedFrom(48) with { MaxPerPeer = 2, DialConcurrency = 6, DialRatePerSecond = 2 },
        // Residential: 192 stays under the ~170-700 entries that broke home routers once pending dials and
        // NAT entries of closed connections are counted (anchors.md, go-ipfs #3320).
        ResourceProfile.Desktop => ConnectionLimits.DerivedFrom(192),
        ResourceProfile.Server => ConnectionLimits.DerivedFrom(2_000),
        ResourceProfile.Xl => ConnectionLimits.DerivedFrom(20_000) with { MaxPendingHandshakes = 1_024 },
        _ => throw new PolicyConfigurationException("profile", $"unknown resource profile '{profile}'"),
    };

    /// <summary>
    /// Parses a profile name as written in configuration (<c>tiny</c>, <c>desktop</c>, <c>server</c>, <c>xl</c>),
    /// case-insensitively; an unknown name is a <see cref="PolicyConfigurationException"/> for <paramref name="key"/>.
    /// </summary>
    public static ResourceProfile Parse(string name, string key = "profile")
    {
        foreach (var profile in Enum.GetValues<ResourceProfile>())
        {
            if (string.Equals(profile.ToString(), name, StringComparison.OrdinalIgnoreCase)) return profile;
        }
        throw new PolicyConfigurationException(key, $"unknown resource profile '{name}' (expected tiny, desktop, server or xl)");
    }
}
