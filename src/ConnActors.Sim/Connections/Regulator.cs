using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Trimming;
using ConnActors.Sim.Events;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Connections;

/// <summary>
/// Runs regulation as a connection manager does: after each event, for every node whose connections
/// changed (<c>Tick</c>, <c>CheckRegulation</c>, <c>PlanTrim</c>, then the victims are closed at once),
/// and again whenever the node's policy wants to be asked without a new event: v2's follow-up round,
/// basic's next ticker fire while at or above high water, v2-no-lazy's minute sweep.
/// </summary>
internal sealed class Regulator
{
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Connector _connector;
    private readonly TrimPlan _plan = new();
    private readonly List<int> _toRegulate = new();
    private readonly bool[] _queued;
    private readonly long[] _checkAtMs;
    // The node's connactors.regulation.interval (its default): how often its manager checks regulation.
    private const long NodeRegulationIntervalMs = 1_000;

    public Regulator(SimContext ctx, NodeEngines engines, Connector connector)
    {
        _ctx = ctx;
        _engines = engines;
        _connector = connector;
        _queued = new bool[ctx.Nodes.Count];
        _checkAtMs = new long[ctx.Nodes.Count];
        Array.Fill(_checkAtMs, long.MaxValue);
    }

    /// <summary>Regulation runs for <paramref name="node"/> after the current event.</summary>
    public void Queue(int node)
    {
        if (_queued[node]) return;
        _queued[node] = true;
        _toRegulate.Add(node);
    }

    /// <summary>Told of each trim: (node, peer about to be trimmed), while the connection is still open.</summary>
    public Action<int, int>? Trimming { get; set; }

    /// <summary>Runs the queued regulation (after each event).</summary>
    public void Flush()
    {
        for (int i = 0; i < _toRegulate.Count; i++)
        {
            int node = _toRegulate[i];
            _queued[node] = false;
            if (_ctx.Nodes.Online[node] && _engines.Existing(node) is not null) Regulate(node);
        }
        _toRegulate.Clear();
    }

    /// <summary>A <see cref="EventKind.RegulationCheck"/> event for <paramref name="node"/>.</summary>
    public void Due(int node)
    {
        if (_checkAtMs[node] != _ctx.Now) return;
        _checkAtMs[node] = long.MaxValue;
        if (_ctx.Nodes.Online[node] && _engines.Existing(node) is not null) Regulate(node);
    }

    /// <summary>The node went offline: its pending follow-up is void.</summary>
    public void Forget(int node) => _checkAtMs[node] = long.MaxValue;

    private void Regulate(int node)
    {
        var engine = _engines.Existing(node)!;
        long now = _ctx.Now;
        engine.Tick(now);
        if (engine.CheckRegulation(now) != RegulationTrigger.None)
        {
            engine.PlanTrim(now, _plan);
            foreach (var victim in _plan.Victims)
            {
                int peer = victim.Peer.Value;
                if (!_ctx.Links.Connected(node, peer)) throw new InvalidOperationException($"node {node} planned to trim {peer}, which it is not connected to");
                Trimming?.Invoke(node, peer);
                if (victim.Reason == TrimReason.FinishedBurst)
                {
                    // A finished lookup's peer closed after the burst linger: the end of its burst, as the node records it.
                    _connector.CloseByPolicy(node, peer, CloseReason.Released, victim.Reason);
                    _ctx.Metrics.BurstReleases++;
                    continue;
                }
                _connector.CloseByPolicy(node, peer, CloseReason.Trim, victim.Reason);
                _ctx.Metrics.Trims++;
            }
        }
        ScheduleNextCheck(node, engine);
    }

    private void ScheduleNextCheck(int node, IConnectionPolicy engine)
    {
        long now = _ctx.Now;
        long at = engine switch
        {
            // As the node's periodic check would: a follow-up, or a finished lookup's peer whose linger ends.
            ConnectionManagerPolicy v2 => v2.NextDueMs(now, NodeRegulationIntervalMs),
            BasicConnectionManager basic when basic.EffectiveConnections >= basic.Settings.HighWater => now + basic.Settings.SilencePeriodMs,
            _ => long.MaxValue,
        };
        if (at <= now) at = long.MaxValue;
        if (engine is ConnectionManagerPolicy { Settings.Features.LazyScoring: false }) at = Math.Min(at, now + 60_000);
        if (at == long.MaxValue || at >= _checkAtMs[node]) return;
        _checkAtMs[node] = at;
        _ctx.Queue.Schedule(at, EventKind.RegulationCheck, node);
    }
}
