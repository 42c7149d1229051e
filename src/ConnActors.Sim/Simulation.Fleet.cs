using ConnActors.Policy;
using ConnActors.Policy.Politeness;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;

namespace ConnActors.Sim;

/// <summary>
/// Friends and crowds. The fleet (gateways and cluster nodes) are servers that are all friends of one
/// another; clients visit gateways; each member restarts once per period (a rolling deploy). A
/// disconnected friend pair is redialed by its lower-numbered member along the policy's
/// FriendReconnectSchedule, except under js-like, which (as js-libp2p's KEEP_ALIVE) retries 5 times
/// from 1 s doubling and then forgets the friend. A flash crowd makes a share of the nodes dial a few
/// home-hosted (desktop) nodes within a minute.
/// </summary>
internal sealed partial class Simulation
{
    private const int FriendSample = 2;
    private const long FriendSampleEveryMs = 5_000;
    private const int JsKeepAliveRetries = 5;
    private int[] _fleet = [];
    private HashSet<int> _crowdTargets = new();
    private readonly Dictionary<long, FriendPair> _friendPairs = new();
    private readonly List<FriendPair> _pairList = new();

    private sealed class FriendPair(int index, int low, int high, FriendReconnectSchedule schedule)
    {
        public int Index { get; } = index;
        public int Low { get; } = low;
        public int High { get; } = high;
        public FriendReconnectSchedule Schedule { get; } = schedule;
        public int JsRetries { get; set; }
        public bool RetryScheduled { get; set; }
    }

    private void InitFleet()
    {
        _fleet = Pick(_s.FleetSize, salt: 40, n => _nodes.Profile[n] is Policy.Limits.ResourceProfile.Server or Policy.Limits.ResourceProfile.Xl);
        foreach (int member in _fleet)
        {
            _nodes.IsFleet[member] = true;
            _nodes.Profile[member] = Policy.Limits.ResourceProfile.Server;
        }
        for (int i = 0; i < _fleet.Length; i++)
        {
            for (int j = i + 1; j < _fleet.Length; j++)
            {
                int low = Math.Min(_fleet[i], _fleet[j]), high = Math.Max(_fleet[i], _fleet[j]);
                var schedule = new FriendReconnectSchedule(BackoffSettings.FriendReconnectDefault, new DeterministicRandom(StableHash.Of(_seed, low, high, 41)));
                var pair = new FriendPair(_pairList.Count, low, high, schedule);
                _friendPairs[PairKey(low, high)] = pair;
                _pairList.Add(pair);
            }
        }
        int targets = _s.FlashShare > 0 ? Math.Max(1, (int)Math.Round(_s.FlashTargetsPer10k * _s.Nodes / 10_000)) : 0;
        // The crowd hits home-hosted content (a port-forwarded desktop): the case that breaks homes.
        _crowdTargets = Pick(targets, salt: 42, n => !_nodes.IsFleet[n] && _nodes.Profile[n] == Policy.Limits.ResourceProfile.Desktop).ToHashSet();
    }

    // Reachable nodes matching `fits`, picked by stable hash (the first `count` in hash order).
    private int[] Pick(int count, long salt, Func<int, bool> fits)
    {
        if (count <= 0) return [];
        return Enumerable.Range(0, _nodes.Count)
            .Where(n => !_nodes.Unreachable[n] && fits(n))
            .OrderBy(n => StableHash.Of(_seed, n, salt))
            .Take(count)
            .ToArray();
    }

    private void ScheduleWorkloads()
    {
        SchedulePublishing();
        if (_pairList.Count > 0) _queue.Schedule(FriendSampleEveryMs, EventKind.Housekeeping, FriendSample);
        if (_crowdTargets.Count == 0) return;
        var targets = _crowdTargets.Order().ToArray();
        for (int node = 0; node < _nodes.Count; node++)
        {
            if (_crowdTargets.Contains(node) || StableHash.Unit(_seed, node, 43) >= _s.FlashShare) continue;
            long at = _s.FlashAtMs + (long)(StableHash.Unit(_seed, node, 44) * _s.FlashSpreadMs);
            _queue.Schedule(at, EventKind.CrowdDial, node, targets[StableHash.Of(_seed, node, 45) % (ulong)targets.Length]);
        }
    }

    private void ScheduleFleetRestart(int node, int session)
    {
        long offset = (long)(StableHash.Unit(_seed, node, 46) * _s.FleetRestartEveryMs);
        long next = (_now / _s.FleetRestartEveryMs) * _s.FleetRestartEveryMs + offset;
        if (next <= _now) next += _s.FleetRestartEveryMs;
        _queue.Schedule(next, EventKind.NodeDown, node, session);
    }

    private void FleetMemberUp(int node)
    {
        foreach (int other in _fleet)
        {
            if (other == node) continue;
            var pair = _friendPairs[PairKey(Math.Min(node, other), Math.Max(node, other))];
            pair.JsRetries = 0;
            ScheduleFriendRetry(pair, _now);
        }
    }

    private void FriendLinkLost(int a, int b)
    {
        var pair = _friendPairs[PairKey(Math.Min(a, b), Math.Max(a, b))];
        ScheduleFriendRetry(pair, pair.Schedule.RecordDisconnected(_now));
    }

    private void ScheduleFriendRetry(FriendPair pair, long atMs)
    {
        if (pair.RetryScheduled) return;
        pair.RetryScheduled = true;
        _queue.Schedule(Math.Max(atMs, _now), EventKind.FriendRetry, pair.Index);
    }

    private void FriendRetry(int index)
    {
        var pair = _pairList[index];
        pair.RetryScheduled = false;
        if (!_nodes.Online[pair.Low] || !_nodes.Online[pair.High]) return;
        var outcome = Connect(pair.Low, pair.High);
        if (IsUp(outcome))
        {
            pair.Schedule.RecordConnected();
            pair.JsRetries = 0;
            return;
        }
        if (_policies.Variant.Family == PolicyFamily.JsLike)
        {
            if (++pair.JsRetries > JsKeepAliveRetries) return;
            ScheduleFriendRetry(pair, _now + (1_000L << (pair.JsRetries - 1)));
            return;
        }
        ScheduleFriendRetry(pair, pair.Schedule.RecordFailure(_now));
    }

    private void SampleFriends()
    {
        foreach (var pair in _pairList)
        {
            if (!_nodes.Online[pair.Low] || !_nodes.Online[pair.High]) continue;
            Metrics.FriendSamples++;
            if (_links.Connected(pair.Low, pair.High)) Metrics.FriendConnectedSamples++;
        }
        _queue.Schedule(_now + FriendSampleEveryMs, EventKind.Housekeeping, FriendSample);
    }

    private void GatewayVisit(int node, int session)
    {
        if (!_nodes.Online[node] || _nodes.SessionNumber[node] != session || _fleet.Length == 0) return;
        Connect(node, _fleet[_random.Next(_fleet.Length)]);
        _queue.Schedule(_now + Math.Max(1, (long)ExponentialMs(_s.GatewayVisitsPerNodeHour)), EventKind.GatewayVisit, node, session);
    }

    private void CrowdDial(int node, int target)
    {
        if (!_nodes.Online[node]) return;
        Metrics.CrowdDials++;
        if (IsUp(Connect(node, target))) Metrics.CrowdAdmitted++;
    }
}
