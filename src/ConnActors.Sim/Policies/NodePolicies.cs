using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Quotas;

namespace ConnActors.Sim.Policies;

/// <summary>
/// Builds one node's policy for a variant and profile, all from the same <see cref="ConnectionLimits"/>
/// so variants differ in algorithm only: basic uses the profile's low/high water, js-like uses the
/// profile's high water as its single ceiling, v2 uses all of them.
/// </summary>
internal sealed class NodePolicies
{
    /// <summary>Subsystem slots the simulated DHT enrolls for: 10% reserved, up to 60% of capacity.</summary>
    public static readonly QuotaRequest DhtQuota = new("dht", QuotaAmount.Share(0.10), QuotaAmount.Share(0.60));

    /// <summary>
    /// Subsystem slots the simulated pubsub enrolls for: 10% reserved, up to 30% per topic a subscriber joins (at
    /// most 60%): gossipsub asks for room for each of its meshes.
    /// </summary>
    public static QuotaRequest PubsubQuota(int topicsPerSubscriber) =>
        new("pubsub", QuotaAmount.Share(0.10), QuotaAmount.Share(Math.Min(0.60, 0.30 * topicsPerSubscriber)));

    /// <summary>
    /// The DHT's hold on connected routing-table peers (v2's counterpart of go-libp2p-kad-dht's "kbucket"
    /// tag): 5% reserved, up to 15%, as many as the node holds (<c>dht.routing-slots = reserved</c>: the node's dht
    /// reservation, 15%). Apart from the per-query "dht" slots, which a lookup releases when it ends.
    /// </summary>
    public static readonly QuotaRequest DhtRoutingQuota = new("dht-routing", QuotaAmount.Share(0.05), QuotaAmount.Share(0.15));

    private readonly PolicyVariant _variant;
    private readonly PolicySettings[] _settings;

    private readonly QuotaRequest _pubsubQuota;

    public NodePolicies(PolicyVariant variant, int topicsPerSubscriber = 1)
    {
        _variant = variant;
        _pubsubQuota = PubsubQuota(topicsPerSubscriber);
        _settings = Enum.GetValues<ResourceProfile>()
            .Select(p => PolicySettings.ForProfile(p) with { Features = variant.Features })
            .Select(s => (s with { Trim = s.Trim with { BurstLingerMs = variant.BurstLingerMs } }).Validate())
            .ToArray();
    }

    public PolicyVariant Variant => _variant;

    private static readonly ConnectionLimits[] Limits = Enum.GetValues<ResourceProfile>().Select(ResourceProfiles.For).ToArray();

    public static ConnectionLimits LimitsOf(ResourceProfile profile) => Limits[(int)profile];

    private readonly Dictionary<int, PolicySettings> _settingsByCap = new();

    /// <summary>The limits of a node of <paramref name="profile"/>, or derived from <paramref name="hardCap"/> when it is set (above 0).</summary>
    public ConnectionLimits LimitsOf(ResourceProfile profile, int hardCap) => SettingsOf(profile, hardCap).Limits;

    private PolicySettings SettingsOf(ResourceProfile profile, int hardCap)
    {
        if (hardCap <= 0) return _settings[(int)profile];
        if (!_settingsByCap.TryGetValue(hardCap, out var settings))
        {
            settings = (_settings[(int)profile] with { Limits = ConnectionLimits.DerivedFrom(hardCap) }).Validate();
            _settingsByCap[hardCap] = settings;
        }
        return settings;
    }

    /// <summary>A new engine for a node of <paramref name="profile"/>; <paramref name="hardCap"/> above 0 replaces the profile's limits by limits derived from it.</summary>
    public IConnectionPolicy Create(ResourceProfile profile, long nowMs, int hardCap = 0)
    {
        var settings = SettingsOf(profile, hardCap);
        switch (_variant.Family)
        {
            case PolicyFamily.None:
                return new UnlimitedPolicy();
            case PolicyFamily.Basic:
                return new BasicConnectionManager(BasicSettings.FromLimits(settings.Limits), nowMs);
            case PolicyFamily.JsLike:
                return new JsLikeConnectionManager(settings.Limits.HighWater);
            default:
                var engine = new ConnectionManagerPolicy(settings);
                if (_variant.UsesQuotas)
                {
                    Require(engine.Enroll(DhtQuota), SimSubsystems.Dht);
                    Require(engine.Enroll(_pubsubQuota), SimSubsystems.Pubsub);
                    Require(engine.Enroll(DhtRoutingQuota), SimSubsystems.DhtRouting);
                }
                return engine;
        }
    }

    private static void Require(Enrollment enrollment, SubsystemId expected)
    {
        if (enrollment.Outcome != EnrollmentOutcome.Accepted || enrollment.Id != expected)
            throw new InvalidOperationException($"enrollment of '{enrollment.Name}' was {enrollment.Outcome}: {enrollment.Reason}");
    }
}

/// <summary>The subsystem ids the simulated protocols get (they enroll in this order on every node).</summary>
internal static class SimSubsystems
{
    public static readonly SubsystemId Dht = new(0);
    public static readonly SubsystemId Pubsub = new(1);
    public static readonly SubsystemId DhtRouting = new(2);
}
