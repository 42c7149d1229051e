using ConnActors.Sim.Events;
using ConnActors.Sim.Model;

namespace ConnActors.Sim;

internal sealed partial class Simulation
{
    private const int MassDeparture = 1;
    private const int PurgeHistory = 0;
    private const long MassDepartureAwayMs = 300_000;
    private readonly SessionDistribution _sessions;

    /// <summary>
    /// Each node alternates sessions and absences, both drawn from the measured session distribution
    /// (so about half the population is online). At the start a node is online with probability 1/2
    /// and its first session or absence is a uniform fraction of a drawn one.
    /// </summary>
    private void ScheduleChurn()
    {
        for (int node = 0; node < _nodes.Count; node++)
        {
            if (IsPinned(node))
            {
                _queue.Schedule(0, EventKind.NodeUp, node, 0);
                continue;
            }
            long first = (long)(StableHash.Unit(_seed, node, 31) * SessionLengthMs(node, 0));
            if (StableHash.Unit(_seed, node, 30) < 0.5) _queue.Schedule(0, EventKind.NodeUp, node, -1 - (int)Math.Min(first, int.MaxValue / 2));
            else _queue.Schedule(Math.Max(1, first), EventKind.NodeUp, node, 0);
        }
        _queue.Schedule(300_000, EventKind.Housekeeping, PurgeHistory);
        if (_s.MassDepartureShare > 0) _queue.Schedule(_s.MassDepartureAtMs, EventKind.Housekeeping, MassDeparture);
    }

    private bool IsPinned(int node) => _nodes.IsFleet[node] || _crowdTargets.Contains(node);

    private long SessionLengthMs(int node, int session) => _sessions.SampleMs(StableHash.Unit(_seed, node, 32, session));

    private long AbsenceMs(int node, int session) => _sessions.SampleMs(StableHash.Unit(_seed, node, 33, session));

    // B < 0 encodes an initial residual session of length -B - 1; B = 0 a full session drawn now.
    private void NodeUp(int node, int initialResidual)
    {
        if (_nodes.Online[node]) return;
        _nodes.Online[node] = true;
        int session = ++_nodes.SessionNumber[node];
        _nodes.SessionStartMs[node] = initialResidual < 0 ? long.MinValue : _now;
        if (_nodes.Topic[node] >= 0) _topicOnline[_nodes.Topic[node]]++;
        if (_nodes.IsFleet[node]) ScheduleFleetRestart(node, session);
        else if (!IsPinned(node))
        {
            long length = initialResidual < 0 ? -(long)initialResidual - 1 : SessionLengthMs(node, session);
            _queue.Schedule(_now + Math.Max(1, length), EventKind.NodeDown, node, session);
        }
        OnNodeJoined(node, session);
    }

    private void NodeDown(int node, int session)
    {
        if (!_nodes.Online[node] || _nodes.SessionNumber[node] != session) return;
        long away = _nodes.IsFleet[node] ? _s.FleetRestartDownMs : AbsenceMs(node, session);
        TakeDown(node, _now + Math.Max(1, away));
    }

    private void TakeDown(int node, long upAtMs)
    {
        if (!IsPinned(node) && _nodes.SessionStartMs[node] != long.MinValue) Metrics.Sessions.Add(_now - _nodes.SessionStartMs[node], ended: true);
        while (_links.Degree(node) > 0) Close(node, _links.Neighbours(node)[_links.Degree(node) - 1], CloseReason.Churn);
        _nodes.Online[node] = false;
        if (_nodes.Topic[node] >= 0) _topicOnline[_nodes.Topic[node]]--;
        _meshCount[node] = 0;
        RetireEngine(node);
        _queue.Schedule(upAtMs, EventKind.NodeUp, node, 0);
    }

    private void RetireEngine(int node)
    {
        if (_engines[node] is { } engine) Metrics.WorkUnitsOfRetiredEngines += engine.WorkUnits;
        _engines[node] = null;
        _checkAtMs[node] = long.MaxValue;
    }

    private void FinishSessions()
    {
        for (int node = 0; node < _nodes.Count; node++)
        {
            if (!_nodes.Online[node] || IsPinned(node) || _nodes.SessionStartMs[node] == long.MinValue) continue;
            Metrics.Sessions.Add(_now - _nodes.SessionStartMs[node], ended: false);
        }
    }

    private void Housekeeping(int what)
    {
        if (what == FriendSample)
        {
            SampleFriends();
            return;
        }
        if (what == PurgeHistory)
        {
            PurgeTrimHistory();
            _queue.Schedule(_now + 300_000, EventKind.Housekeeping, PurgeHistory);
            return;
        }
        for (int node = 0; node < _nodes.Count; node++)
        {
            if (_nodes.Online[node] && !IsPinned(node) && StableHash.Unit(_seed, node, 34) < _s.MassDepartureShare)
                TakeDown(node, _now + MassDepartureAwayMs);
        }
    }

    /// <summary>Everything a node does when it comes online: self-lookup, discovery dials, pubsub, schedules.</summary>
    private void OnNodeJoined(int node, int session)
    {
        if (_s.LookupsPerNodeHour > 0)
        {
            RunLookup(node, _nodes.DhtId[node], measured: false);
            _queue.Schedule(_now + (long)ExponentialMs(_s.LookupsPerNodeHour), EventKind.LookupStart, node, session);
        }
        for (int i = 0; i < _s.DiscoveryDials; i++)
        {
            int peer = _random.Next(_nodes.Count);
            if (peer != node && !_nodes.Unreachable[peer]) Connect(node, peer);
        }
        if (_nodes.Topic[node] >= 0) _queue.Schedule(_now + HeartbeatMs, EventKind.MeshRepair, node, session);
        if (_s.GatewayVisitsPerNodeHour > 0 && !_nodes.IsFleet[node])
            _queue.Schedule(_now + (long)ExponentialMs(_s.GatewayVisitsPerNodeHour), EventKind.GatewayVisit, node, session);
        if (_nodes.IsFleet[node]) FleetMemberUp(node);
    }
}
