namespace ConnActors.Policy.Limits;

/// <summary>
/// Derives a hard cap from the machine's resources, for nodes that run without an explicit profile.
/// <para>
/// hard cap = clamp(min(fileDescriptors / 2, (memoryBytes / 8) / budgetPerConnection), 16, 100000)
/// </para>
/// Half of the file descriptors are left for the rest of the process (go-libp2p uses the same half);
/// an eighth of memory is given to connections (go-libp2p autoscale), each budgeted at
/// <see cref="DefaultBudgetPerConnectionBytes"/> (Noise buffers plus Yamux windows in typical use).
/// The other limits follow from the cap by <see cref="ConnectionLimits.DerivedFrom"/>.
/// </summary>
public static class AutoScale
{
    /// <summary>Memory budgeted per connection: 128 KiB.</summary>
    public const long DefaultBudgetPerConnectionBytes = 128 * 1024;

    /// <summary>The smallest cap autoscaling yields.</summary>
    public const int MinimumCap = 16;

    /// <summary>The largest cap autoscaling yields.</summary>
    public const int MaximumCap = 100_000;

    /// <summary>The hard cap for a machine with <paramref name="memoryBytes"/> and <paramref name="fileDescriptors"/>.</summary>
    public static int HardCapFor(long memoryBytes, long fileDescriptors, long budgetPerConnectionBytes = DefaultBudgetPerConnectionBytes)
    {
        PolicyConfigurationException.Require(memoryBytes > 0, "limits.autoscale.memory", $"must be positive, was {memoryBytes}");
        PolicyConfigurationException.Require(fileDescriptors > 0, "limits.autoscale.file-descriptors", $"must be positive, was {fileDescriptors}");
        PolicyConfigurationException.Require(budgetPerConnectionBytes > 0, "limits.autoscale.budget-per-connection", $"must be positive, was {budgetPerConnectionBytes}");
        long byFds = fileDescriptors / 2;
        long byMemory = memoryBytes / 8 / budgetPerConnectionBytes;
        return (int)Math.Clamp(Math.Min(byFds, byMemory), MinimumCap, MaximumCap);
    }

    /// <summary>Limits for a machine with <paramref name="memoryBytes"/> and <paramref name="fileDescriptors"/>.</summary>
    public static ConnectionLimits LimitsFor(long memoryBytes, long fileDescriptors) =>
        ConnectionLimits.DerivedFrom(HardCapFor(memoryBytes, fileDescriptors)).Validate();

    /// <summary>The profile whose hard cap is closest below the autoscaled one (for logs and dashboards).</summary>
    public static ResourceProfile NearestProfile(int hardCap) => hardCap switch
    {
        < 192 => ResourceProfile.Tiny,
        < 2_000 => ResourceProfile.Desktop,
        < 20_000 => ResourceProfile.Server,
        _ => ResourceProfile.Xl,
    };
}
