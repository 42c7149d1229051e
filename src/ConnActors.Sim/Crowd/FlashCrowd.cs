using ConnActors.Policy.Limits;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Crowd;

/// <summary>
/// A flash crowd: at a set time a share of the nodes dials a few home-hosted (desktop) nodes within
/// a spread; the targets stay online throughout.
/// </summary>
internal sealed class FlashCrowd
{
    private readonly SimContext _ctx;
    private readonly Connector _connector;
    private readonly Policies.NodeEngines _engines;
    private readonly HashSet<int> _targets;

    public FlashCrowd(SimContext ctx, Policies.NodeEngines engines, Connector connector)
    {
        _ctx = ctx;
        _engines = engines;
        _connector = connector;
        var s = ctx.Scenario;
        int targets = s.FlashShare > 0 ? Math.Max(1, (int)Math.Round(s.FlashTargetsPer10k * s.Nodes / 10_000)) : 0;
        // The crowd hits home-hosted content (a port-forwarded desktop): the case that breaks homes.
        _targets = NodePicker.Pick(ctx, targets, salt: 42, n => !ctx.Nodes.IsFleet[n] && ctx.Nodes.Profile[n] == ResourceProfile.Desktop).ToHashSet();
    }

    public bool IsTarget(int node) => _targets.Contains(node);

    /// <summary>Schedules each crowd member's dial.</summary>
    public void Schedule()
    {
        if (_targets.Count == 0) return;
        var s = _ctx.Scenario;
        var targets = _targets.Order().ToArray();
        for (int node = 0; node < _ctx.Nodes.Count; node++)
        {
            if (_targets.Contains(node) || StableHash.Unit(_ctx.Seed, node, 43) >= s.FlashShare) continue;
            long at = s.FlashAtMs + (long)(StableHash.Unit(_ctx.Seed, node, 44) * s.FlashSpreadMs);
            _ctx.Queue.Schedule(at, EventKind.CrowdDial, node, targets[StableHash.Of(_ctx.Seed, node, 45) % (ulong)targets.Length]);
        }
    }

    /// <summary>A <see cref="EventKind.CrowdDial"/> event.</summary>
    public void Dial(int node, int target)
    {
        if (!_ctx.Nodes.Online[node]) return;
        _ctx.Metrics.CrowdDials++;
        if (!Connector.IsUp(_connector.Connect(node, target))) return;
        _ctx.Metrics.CrowdAdmitted++;
        AppExchange.Served(_ctx, _engines, node, target);
    }
}
