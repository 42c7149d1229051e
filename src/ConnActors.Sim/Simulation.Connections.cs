using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Baselines;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Politeness;
using ConnActors.Policy.Quotas;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;

namespace ConnActors.Sim;

/// <summary>The outcome of a dial in the simulation.</summary>
internal enum DialOutcome : byte
{
    Connected,
    AlreadyConnected,
    Offline,
    SkippedForBye,
    LocalRouterFull,
    RemoteRouterFull,
    LocalRefused,
    RemoteRefused,
}

internal sealed partial class Simulation
{
    /// <summary>How long a bye asks the trimmed peer not to redial (gossipsub's PRUNE backoff, 1 min); also the politeness window measured for every policy.</summary>
    public const long ByeBackoffMs = 60_000;

    private readonly Dictionary<long, long> _trimmedAtMs = new();

    private IConnectionPolicy Engine(int node) => _engines[node] ??= CreateEngine(node);

    private IConnectionPolicy CreateEngine(int node)
    {
        var engine = _policies.Create(_nodes.Profile[node], _now);
        if (_nodes.IsFleet[node])
        {
            foreach (int friend in _fleet) if (friend != node) engine.SetFriend(new PeerKey(friend), true, _now);
        }
        return engine;
    }

    private ConnectionManagerPolicy? V2(int node) => Engine(node) as ConnectionManagerPolicy;

    private bool QuotasOn => _policies.Variant.UsesQuotas;

    private static bool IsGranted(SlotOutcome outcome) => outcome <= SlotOutcome.GrantedAfterReclaim;

    /// <summary>Dials from <paramref name="a"/> to <paramref name="b"/> through both routers and both policies.</summary>
    private DialOutcome Connect(int a, int b)
    {
        if (a == b) throw new InvalidOperationException("a node cannot dial itself");
        if (_links.Connected(a, b)) return DialOutcome.AlreadyConnected;
        if (_policies.Variant.SendsBye && _byeTables[a] is { } byes && byes.EarliestDialMs(new PeerKey(b), _now) > _now)
        {
            Metrics.DialsSkippedForBye++;
            return DialOutcome.SkippedForBye;
        }
        if (_trimmedAtMs.TryGetValue(PairKey(b, a), out long trimmedAt) && _now - trimmedAt < ByeBackoffMs) Metrics.PolitenessViolations++;

        int routerA = _nodes.Router[a], routerB = _nodes.Router[b];
        if (routerA >= 0 && !_routers.TryTake(routerA))
        {
            Metrics.RouterOverflows++;
            return DialOutcome.LocalRouterFull;
        }
        if (!_nodes.Online[b])
        {
            Metrics.DialsToOffline++;
            Linger(routerA);
            return DialOutcome.Offline;
        }
        var ea = Engine(a);
        if (!ea.AdmitOutbound(new PeerKey(b), _nodes.Address(b), _now).Admitted)
        {
            Metrics.LocalRefusals++;
            if (routerA >= 0) _routers.Release(routerA);
            return DialOutcome.LocalRefused;
        }
        if (routerB >= 0 && !_routers.TryTake(routerB))
        {
            Metrics.RouterOverflows++;
            ea.ConnectionClosed(new PeerKey(b), ConnectionDirection.Outbound, _nodes.Address(b), _now);
            Linger(routerA);
            return DialOutcome.RemoteRouterFull;
        }
        if (!Engine(b).AdmitInbound(new PeerKey(a), _nodes.Address(a), _now).Admitted)
        {
            Metrics.RemoteRefusals++;
            ea.ConnectionClosed(new PeerKey(b), ConnectionDirection.Outbound, _nodes.Address(b), _now);
            Linger(routerA);
            Linger(routerB);
            return DialOutcome.RemoteRefused;
        }
        _links.Add(a, b, LinkFlags.Outbound);
        _links.Add(b, a, LinkFlags.None);
        Metrics.Opens++;
        QueueRegulation(a);
        QueueRegulation(b);
        return DialOutcome.Connected;
    }

    private static bool IsUp(DialOutcome outcome) => outcome <= DialOutcome.AlreadyConnected;

    /// <summary>Closes the connection between <paramref name="a"/> and <paramref name="b"/>, if any.</summary>
    private void Close(int a, int b, CloseReason reason)
    {
        int ia = _links.IndexOf(a, b);
        if (ia < 0) return;
        var flagsA = _links.RemoveAt(a, ia);
        var flagsB = _links.RemoveAt(b, _links.IndexOf(b, a));
        var dirA = (flagsA & LinkFlags.Outbound) != 0 ? ConnectionDirection.Outbound : ConnectionDirection.Inbound;
        var dirB = dirA == ConnectionDirection.Outbound ? ConnectionDirection.Inbound : ConnectionDirection.Outbound;
        _engines[a]?.ConnectionClosed(new PeerKey(b), dirA, _nodes.Address(b), _now);
        _engines[b]?.ConnectionClosed(new PeerKey(a), dirB, _nodes.Address(a), _now);
        Linger(_nodes.Router[a]);
        Linger(_nodes.Router[b]);
        Metrics.Closes++;
        if (reason == CloseReason.Churn) Metrics.ChurnCloses++;
        if ((flagsA & LinkFlags.Mesh) != 0) MeshLinkLost(a, b);
        if (_nodes.IsFleet[a] && _nodes.IsFleet[b]) FriendLinkLost(a, b);
    }

    private void Linger(int router)
    {
        if (router < 0) return;
        _queue.Schedule(_now + _s.RouterLingerMs, EventKind.RouterRelease, router);
    }

    private void QueueRegulation(int node)
    {
        if (_queuedForRegulation[node]) return;
        _queuedForRegulation[node] = true;
        _toRegulate.Add(node);
    }

    // Runs after each event, as a node's connection manager reacts after the message that changed it.
    private void FlushRegulation()
    {
        for (int i = 0; i < _toRegulate.Count; i++)
        {
            int node = _toRegulate[i];
            _queuedForRegulation[node] = false;
            if (_nodes.Online[node] && _engines[node] is not null) Regulate(node);
        }
        _toRegulate.Clear();
    }

    private void Regulate(int node)
    {
        var engine = _engines[node]!;
        engine.Tick(_now);
        if (engine.CheckRegulation(_now) != Policy.Trimming.RegulationTrigger.None)
        {
            engine.PlanTrim(_now, _plan);
            foreach (var victim in _plan.Victims)
            {
                int peer = victim.Peer.Value;
                if (!_links.Connected(node, peer)) throw new InvalidOperationException($"node {node} planned to trim {peer}, which it is not connected to");
                Close(node, peer, CloseReason.Trim);
                Metrics.Trims++;
                _trimmedAtMs[PairKey(node, peer)] = _now;
                if (_policies.Variant.SendsBye) ByeTable(peer).RecordRemoteBye(new PeerKey(node), ByeBackoffMs, _now);
            }
        }
        ScheduleNextCheck(node, engine);
    }

    // When this node's policy wants to be asked again without any new event: v2's follow-up round
    // (a stale, past follow-up time means the round turned out unnecessary), basic's next ticker fire
    // while at or above high water, and v2-no-lazy's minute sweep.
    private void ScheduleNextCheck(int node, IConnectionPolicy engine)
    {
        long at = engine switch
        {
            ConnectionManagerPolicy v2 => v2.FollowUpAtMs,
            BasicConnectionManager basic when basic.EffectiveConnections >= basic.Settings.HighWater => _now + basic.Settings.SilencePeriodMs,
            _ => long.MaxValue,
        };
        if (at <= _now) at = long.MaxValue;
        if (engine is ConnectionManagerPolicy { Settings.Features.LazyScoring: false }) at = Math.Min(at, _now + 60_000);
        if (at == long.MaxValue || at >= _checkAtMs[node]) return;
        _checkAtMs[node] = at;
        _queue.Schedule(at, EventKind.RegulationCheck, node);
    }

    private void RegulationDue(int node)
    {
        if (_checkAtMs[node] != _now) return;
        _checkAtMs[node] = long.MaxValue;
        if (_nodes.Online[node] && _engines[node] is not null) Regulate(node);
    }

    private DialBackoffTable ByeTable(int node) =>
        _byeTables[node] ??= new DialBackoffTable(DialBackoffSettings.Default, new DeterministicRandom(StableHash.Of(_seed, node, 21)));

    /// <summary>Tells basic and js-like how many streams are open to a peer (they never see streams otherwise).</summary>
    private void UpdateStreams(int node, int peer)
    {
        var engine = _engines[node];
        if (engine is not (BasicConnectionManager or JsLikeConnectionManager)) return;
        int i = _links.IndexOf(node, peer);
        if (i < 0) return;
        var flags = _links.FlagsAt(node, i);
        int streams = ((flags & LinkFlags.Mesh) != 0 ? 1 : 0) + ((flags & LinkFlags.InQuery) != 0 ? 1 : 0);
        if (engine is BasicConnectionManager basic) basic.SetStreams(new PeerKey(peer), streams);
        else ((JsLikeConnectionManager)engine).SetStreams(new PeerKey(peer), streams);
    }

    private static long PairKey(int from, int to) => ((long)from << 32) | (uint)to;

    private void PurgeTrimHistory()
    {
        var expired = new List<long>();
        foreach (var pair in _trimmedAtMs) if (_now - pair.Value >= ByeBackoffMs) expired.Add(pair.Key);
        foreach (long key in expired) _trimmedAtMs.Remove(key);
    }
}

/// <summary>Why a simulated connection closed.</summary>
internal enum CloseReason : byte
{
    Churn,
    Trim,
    Reclaim,
    Mesh,
}
