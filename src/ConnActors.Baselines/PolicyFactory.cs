using ConnActors.Policy;
using ConnActors.Policy.Engine;

namespace ConnActors.Baselines;

/// <summary>
/// Builds the connection manager that configuration selects, as Kubo's <c>Swarm.ConnMgr.Type</c> does.
/// </summary>
public static class PolicyFactory
{
    /// <summary>
    /// A <see cref="ConnectionManagerPolicy"/> for <see cref="PolicyKind.V2"/>, or a
    /// <see cref="BasicConnectionManager"/> for <see cref="PolicyKind.Basic"/> with <paramref name="basic"/>
    /// or, when null, go's defaults on the watermarks of <paramref name="settings"/> (so the two differ only
    /// in the algorithm). Both validate their settings.
    /// </summary>
    public static IConnectionPolicy Create(PolicyKind kind, PolicySettings settings, BasicSettings? basic = null, long startMs = 0) => kind switch
    {
        PolicyKind.V2 => new ConnectionManagerPolicy(settings),
        PolicyKind.Basic => new BasicConnectionManager(basic ?? BasicSettings.FromLimits(settings.Limits.Validate()), startMs),
        _ => throw new PolicyConfigurationException("connection-manager.type", $"unknown policy kind '{kind}'"),
    };

    /// <summary>
    /// Parses a policy name as written in configuration (<c>v2</c>, <c>basic</c>), case-insensitively; an
    /// unknown name is a <see cref="PolicyConfigurationException"/> for <paramref name="key"/>.
    /// </summary>
    public static PolicyKind ParseKind(string name, string key = "connection-manager.type")
    {
        foreach (var kind in Enum.GetValues<PolicyKind>())
        {
            if (string.Equals(kind.ToString(), name, StringComparison.OrdinalIgnoreCase)) return kind;
        }
        throw new PolicyConfigurationException(key, $"unknown connection manager '{name}' (expected v2 or basic)");
    }
}
