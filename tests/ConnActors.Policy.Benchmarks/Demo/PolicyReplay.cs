using ConnActors.Policy.Admission;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Benchmarks.Demo;

/// <summary>
/// Replays a <see cref="Scenario"/> through one policy as the node would drive it: events in order, and
/// every 100 ms of simulated time a Tick, a regulation check and, when one is due, a planned round whose
/// victims are closed at once. v2-only events (bursts) are skipped for a policy without them.
/// </summary>
internal sealed class PolicyReplay
{
    private const long StepMs = 100;

    private readonly IConnectionPolicy _policy;
    private readonly Scenario _scenario;
    private readonly Dictionary<int, List<(ConnectionDirection Direction, RemoteAddress Address)>> _open = new();
    private readonly Dictionary<int, BurstId> _bursts = new();
    private readonly TrimPlan _plan = new();
    private readonly List<PeerKey> _released = new();
    private PhaseStats _current = new();

    public PolicyReplay(IConnectionPolicy policy, Scenario scenario)
    {
        _policy = policy;
        _scenario = scenario;
        for (int f = 0; f < Scenario.FriendCount; f++) policy.SetFriend(new PeerKey(f), true, 0);
    }

    public string Name => _policy.Name;

    public List<PhaseStats> Run()
    {
        var results = new List<PhaseStats>();
        var events = _scenario.Events;
        int next = 0;
        foreach (var phase in _scenario.Phases)
        {
            _current = new PhaseStats { Peak = _policy.Connections };
            long workBefore = _policy.WorkUnits;
            for (long now = phase.StartMs; now < phase.EndMs; now += StepMs)
            {
                while (next < events.Count && events[next].TimeMs <= now) Apply(events[next++], now);
                _policy.Tick(now);
                if (_policy.CheckRegulation(now) != RegulationTrigger.None)
                {
                    _policy.PlanTrim(now, _plan);
                    CloseVictims(now);
                }
            }
            _current.ConnectionsAtEnd = _policy.Connections;
            _current.FriendsKept = Enumerable.Range(0, Scenario.FriendCount).Count(_open.ContainsKey);
            _current.WorkUnits = _policy.WorkUnits - workBefore;
            results.Add(_current);
        }
        return results;
    }

    private void Apply(ScenarioEvent e, long now)
    {
        var peer = new PeerKey(e.Peer);
        switch (e.Action)
        {
            case ScenarioAction.InboundAttempt:
            case ScenarioAction.OutboundDial:
                Connect(e, now);
                break;
            case ScenarioAction.BurstDial:
                if (Connect(e, now) && _policy is ConnectionManagerPolicy dialing) dialing.Enlist(_bursts[e.Value], peer);
                break;
            case ScenarioAction.RemoteClose:
                CloseAll(e.Peer, now);
                break;
            case ScenarioAction.Tag when _open.ContainsKey(e.Peer):
                _policy.SetTag(peer, tag: 1, e.Value, now);
                break;
            case ScenarioAction.Useful when _open.ContainsKey(e.Peer):
                _policy.RecordSignal(peer, e.Signal, e.Value, now);
                break;
            case ScenarioAction.BurstBegin when _policy is ConnectionManagerPolicy starting:
                _bursts[e.Value] = starting.BeginBurst(now);
                break;
            case ScenarioAction.BurstEnd when _policy is ConnectionManagerPolicy ending:
                EndBurst(ending, _bursts[e.Value], now);
                break;
            case ScenarioAction.Emergency:
                _policy.PlanEmergencyTrim(now, e.Value, _plan);
                CloseVictims(now);
                break;
        }
    }

    private bool Connect(ScenarioEvent e, long now)
    {
        var peer = new PeerKey(e.Peer);
        var verdict = e.Direction == ConnectionDirection.Inbound
            ? _policy.AdmitInbound(peer, e.Address, now)
            : _policy.AdmitOutbound(peer, e.Address, now);
        if (!verdict.Admitted)
        {
            _current.CountRefusal(verdict.Reason);
            return false;
        }
        if (!_open.TryGetValue(e.Peer, out var connections)) _open[e.Peer] = connections = new();
        connections.Add((e.Direction, e.Address));
        _current.Peak = Math.Max(_current.Peak, _policy.Connections);
        return true;
    }

    // As the node does: the query connections a finished burst releases are closed at once.
    private void EndBurst(ConnectionManagerPolicy policy, BurstId burst, long now)
    {
        _released.Clear();
        policy.EndBurst(burst, now, _released);
        foreach (var peer in _released)
        {
            _current.CountTrim(TrimReason.FinishedBurst, _open.TryGetValue(peer.Value, out var connections) ? connections.Count : 0);
            CloseAll(peer.Value, now);
        }
    }

    private void CloseVictims(long now)
    {
        foreach (var victim in _plan.Victims)
        {
            _current.CountTrim(victim.Reason, victim.Connections);
            CloseAll(victim.Peer.Value, now);
        }
    }

    private void CloseAll(int peer, long now)
    {
        if (!_open.Remove(peer, out var connections)) return;
        foreach (var (direction, address) in connections) _policy.ConnectionClosed(new PeerKey(peer), direction, address, now);
    }
}
