namespace ConnActors.Policy.Limits;

/// <summary>
/// Whether a node serves the Kad-DHT by default: the spec asks restricted nodes (intermittent, behind
/// NAT, little memory) to run as clients, so browsers, IoT and desktops are clients and servers are
/// servers. An autoscaled node serves when its limits reach those of the server profile.
/// </summary>
public static class DhtModeRule
{
    /// <summary>True when a node of <paramref name="profile"/> (null when autoscaled to <paramref name="limits"/>) serves the DHT.</summary>
    public static bool ServesByDefault(ResourceProfile? profile, ConnectionLimits limits) => profile switch
    {
        ResourceProfile.Server or ResourceProfile.Xl => true,
        ResourceProfile.Tiny or ResourceProfile.Desktop => false,
        _ => limits.HardCap >= ResourceProfiles.For(ResourceProfile.Server).HardCap,
    };
}
