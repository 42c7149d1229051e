using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Churn;

/// <summary>
/// Sessions and absences. Each node alternates sessions and absences, both drawn from the measured
/// session distribution (so about half the population is online). At the start a node is online with
/// probability 1/2 and its first session or absence is a uniform fraction of a drawn one. Pinned nodes
/// (fleet members, crowd targets) stay online except for the fleet's restarts. A joining node dials
/// the scenario's discovery peers; a mass departure takes a share of the online nodes away at once.
/// </summary>
internal sealed class ChurnModel : INodeLifecycle
{
    private const long MassDepartureAwayMs = 300_000;
    private readonly SimContext _ctx;
    private readonly SessionDistribution _sessions;
    private readonly Connector _connector;
    private readonly NodeEngines _engines;
    private readonly Regulator _regulator;
    private readonly Fleet.FleetModel _fleet;
    private readonly Func<int, bool> _isCrowdTarget;
    private readonly List<INodeLifecycle> _lifecycle = new();

    public ChurnModel(SimContext ctx, Connector connector, NodeEngines engines, Regulator regulator, Fleet.FleetModel fleet, Func<int, bool> isCrowdTarget)
    {
        _ctx = ctx;
        _sessions = new SessionDistribution(ctx.Scenario.ChurnScale);
        _connector = connector;
        _engines = engines;
        _regulator = regulator;
        _fleet = fleet;
        _isCrowdTarget = isCrowdTarget;
    }

    /// <summary>Adds a concern told about joins and departures, in the order added.</summary>
    public void Notify(INodeLifecycle concern) => _lifecycle.Add(concern);

    public bool IsPinned(int node) => _ctx.Nodes.IsFleet[node] || _isCrowdTarget(node);

    /// <summary>Schedules every node's first arrival and the mass departure, if any.</summary>
    public void Schedule()
    {
        var nodes = _ctx.Nodes;
        ulong seed = _ctx.Seed;
        for (int node = 0; node < nodes.Count; node++)
        {
            if (IsPinned(node))
            {
                _ctx.Queue.Schedule(0, EventKind.NodeUp, node, 0);
                continue;
            }
            long first = (long)(StableHash.Unit(seed, node, 31) * SessionLengthMs(node, 0));
            if (StableHash.Unit(seed, node, 30) < 0.5) _ctx.Queue.Schedule(0, EventKind.NodeUp, node, -1 - (int)Math.Min(first, int.MaxValue / 2));
            else _ctx.Queue.Schedule(Math.Max(1, first), EventKind.NodeUp, node, 0);
        }
        if (_ctx.Scenario.MassDepartureShare > 0) _ctx.Queue.Schedule(_ctx.Scenario.MassDepartureAtMs, EventKind.MassDeparture);
    }

    // B < 0 encodes an initial residual session of length -B - 1; B = 0 a full session drawn now.
    public void NodeUp(int node, int initialResidual)
    {
        var nodes = _ctx.Nodes;
        if (nodes.Online[node]) return;
        nodes.Online[node] = true;
        int session = ++nodes.SessionNumber[node];
        nodes.SessionStartMs[node] = initialResidual < 0 ? long.MinValue : _ctx.Now;
        if (nodes.IsFleet[node]) _fleet.ScheduleRestart(node, session);
        else if (!IsPinned(node))
        {
            long length = initialResidual < 0 ? -(long)initialResidual - 1 : SessionLengthMs(node, session);
            _ctx.Queue.Schedule(_ctx.Now + Math.Max(1, length), EventKind.NodeDown, node, session);
        }
        foreach (var concern in _lifecycle) concern.NodeJoined(node, session);
    }

    public void NodeDown(int node, int session)
    {
        if (!_ctx.IsCurrent(node, session)) return;
        long away = _ctx.Nodes.IsFleet[node] ? _ctx.Scenario.FleetRestartDownMs : AbsenceMs(node, session);
        TakeDown(node, _ctx.Now + Math.Max(1, away));
    }

    public void MassDeparture()
    {
        var nodes = _ctx.Nodes;
        for (int node = 0; node < nodes.Count; node++)
        {
            if (nodes.Online[node] && !IsPinned(node) && StableHash.Unit(_ctx.Seed, node, 34) < _ctx.Scenario.MassDepartureShare)
                TakeDown(node, _ctx.Now + MassDepartureAwayMs);
        }
    }

    /// <summary>Records the sessions still running at the end (censored, for the session-length check).</summary>
    public void FinishSessions()
    {
        var nodes = _ctx.Nodes;
        for (int node = 0; node < nodes.Count; node++)
        {
            if (!nodes.Online[node] || IsPinned(node) || nodes.SessionStartMs[node] == long.MinValue) continue;
            _ctx.Metrics.Sessions.Add(_ctx.Now - nodes.SessionStartMs[node], ended: false);
        }
    }

    /// <summary>A joining node dials the scenario's number of random reachable peers (go-libp2p: connect to every discovered peer).</summary>
    public void NodeJoined(int node, int session)
    {
        var nodes = _ctx.Nodes;
        for (int i = 0; i < _ctx.Scenario.DiscoveryDials; i++)
        {
            int peer = _ctx.Random.Next(nodes.Count);
            if (peer != node && !nodes.Unreachable[peer]) _connector.Connect(node, peer);
        }
    }

    public void NodeLeft(int node)
    {
    }

    private void TakeDown(int node, long upAtMs)
    {
        var nodes = _ctx.Nodes;
        if (!IsPinned(node) && nodes.SessionStartMs[node] != long.MinValue) _ctx.Metrics.Sessions.Add(_ctx.Now - nodes.SessionStartMs[node], ended: true);
        _connector.CloseAll(node);
        nodes.Online[node] = false;
        foreach (var concern in _lifecycle) concern.NodeLeft(node);
        _engines.Retire(node);
        _regulator.Forget(node);
        _ctx.Queue.Schedule(upAtMs, EventKind.NodeUp, node, 0);
    }

    private long SessionLengthMs(int node, int session) => _sessions.SampleMs(StableHash.Unit(_ctx.Seed, node, 32, session));

    private long AbsenceMs(int node, int session) => _sessions.SampleMs(StableHash.Unit(_ctx.Seed, node, 33, session));
}
