using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Politeness;
using ConnActors.Sim.Model;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Policies;

/// <summary>
/// The connection-manager engine of every online node: created lazily when a node first needs one and
/// dropped when the node goes offline (a restarted process starts empty). Only v2's bye obligations
/// (<see cref="DialBackoffTable"/>, persisted by v2's PeerStore) outlive a restart.
/// </summary>
internal sealed class NodeEngines
{
    private readonly SimContext _ctx;
    private readonly NodePolicies _policies;
    private readonly IConnectionPolicy?[] _engines;
    private readonly DialBackoffTable?[] _byeTables;
    private long _workOfRetired;

    public NodeEngines(SimContext ctx, PolicyVariant variant)
    {
        _ctx = ctx;
        _policies = new NodePolicies(variant, ctx.Scenario.TopicsPerSubscriber);
        _engines = new IConnectionPolicy?[ctx.Nodes.Count];
        _byeTables = new DialBackoffTable?[ctx.Nodes.Count];
    }

    public PolicyVariant Variant => _policies.Variant;

    /// <summary>The simulated DHT and pubsub enroll and claim slots (v2 with quotas only).</summary>
    public bool QuotasOn => _policies.Variant.UsesQuotas;

    /// <summary>Called once for each new engine (the fleet makes its members friends here).</summary>
    public Action<int, IConnectionPolicy>? Configure { get; set; }

    /// <summary>The node's engine, created if it has none.</summary>
    public IConnectionPolicy Of(int node) => _engines[node] ??= Create(node);

    /// <summary>The node's engine, or null when it has none (offline, or never needed one).</summary>
    public IConnectionPolicy? Existing(int node) => _engines[node];

    /// <summary>The node's v2 engine (created if needed), or null under another policy.</summary>
    public ConnectionManagerPolicy? V2(int node) => Of(node) as ConnectionManagerPolicy;

    /// <summary>The node's v2 engine if it has one.</summary>
    public ConnectionManagerPolicy? ExistingV2(int node) => _engines[node] as ConnectionManagerPolicy;

    /// <summary>Drops the engine of a node going offline, keeping its work count.</summary>
    public void Retire(int node)
    {
        if (_engines[node] is { } engine) _workOfRetired += engine.WorkUnits;
        _engines[node] = null;
    }

    /// <summary>Policy work of every engine so far, retired ones included.</summary>
    public long TotalWork()
    {
        long work = _workOfRetired;
        foreach (var engine in _engines) if (engine is not null) work += engine.WorkUnits;
        return work;
    }

    /// <summary>The node's record of byes received (created on first use; survives restarts).</summary>
    public DialBackoffTable ByeTable(int node) =>
        _byeTables[node] ??= new DialBackoffTable(DialBackoffSettings.Default, new DeterministicRandom(StableHash.Of(_ctx.Seed, node, 21)));

    /// <summary>The node's record of byes received, or null when it never received one.</summary>
    public DialBackoffTable? ExistingByeTable(int node) => _byeTables[node];

    /// <summary>The limits <paramref name="node"/>'s engine is created with (a fleet member's may be the scenario's).</summary>
    public ConnectionLimits LimitsOf(int node) => _policies.LimitsOf(_ctx.Nodes.Profile[node], HardCapOverride(node));

    private int HardCapOverride(int node) => _ctx.Nodes.IsFleet[node] ? _ctx.Scenario.FleetMemberHardCap : 0;

    private IConnectionPolicy Create(int node)
    {
        var engine = _policies.Create(_ctx.Nodes.Profile[node], _ctx.Now, HardCapOverride(node));
        Configure?.Invoke(node, engine);
        return engine;
    }
}
