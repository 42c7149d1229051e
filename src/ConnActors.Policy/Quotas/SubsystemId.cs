namespace ConnActors.Policy.Quotas;

/// <summary>A subsystem enrolled in the quota table (an index in [0, <see cref="QuotaTable.MaxSubsystems"/>)).</summary>
public readonly record struct SubsystemId(int Value)
{
    internal uint Bit => 1u << Value;
}
