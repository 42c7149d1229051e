using ConnActors.Policy;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Scoring;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;

namespace ConnActors.Sim;

/// <summary>
/// Kademlia lookups. A lookup runs in rounds: it queries the alpha closest candidates not yet asked;
/// each answer adds the answerer's k closest known peers. It stops when the <c>Resiliency</c> closest
/// candidates have all answered (go-libp2p) or nothing is left to ask. Every query needs a connection,
/// so lookups are the bursts of short-lived dials the policies must absorb. All of a lookup's dials are
/// admitted at its start time (the policies see time advance between events only); its burst ends,
/// and its query streams close, after its simulated latency.
/// </summary>
internal sealed partial class Simulation
{
    private const int MaxCandidates = 64;
    private const int MaxRounds = 24;
    private readonly int[] _candNode = new int[MaxCandidates];
    private readonly ulong[] _candDistance = new ulong[MaxCandidates];
    private readonly byte[] _candDepth = new byte[MaxCandidates];
    private readonly byte[] _candState = new byte[MaxCandidates];
    private int _candCount;
    private const byte Fresh = 0, Answered = 1, Failed = 2;

    private readonly List<LookupInFlight> _lookups = new();
    private readonly Stack<int> _freeLookups = new();

    private sealed class LookupInFlight
    {
        public int Node;
        public int Session;
        public BurstId Burst;
        public bool HasBurst;
        public readonly List<int> Peers = new();
    }

    private void LookupEvent(int node, int session)
    {
        if (!_nodes.Online[node] || _nodes.SessionNumber[node] != session) return;
        RunLookup(node, _random.NextUInt64(), measured: true);
        _queue.Schedule(_now + Math.Max(1, (long)ExponentialMs(_s.LookupsPerNodeHour)), EventKind.LookupStart, node, session);
    }

    // A node's self-lookup on joining (its bootstrap) loads the network like any other but is left out
    // of the lookup statistics, which describe lookups of random keys as RFM17 measured them.
    private void RunLookup(int node, ulong target, bool measured)
    {
        if (measured) Metrics.Lookups++;
        int slot = _freeLookups.Count > 0 ? _freeLookups.Pop() : NewLookupSlot();
        var lookup = _lookups[slot];
        lookup.Node = node;
        lookup.Session = _nodes.SessionNumber[node];
        lookup.Peers.Clear();
        var v2 = V2(node);
        lookup.HasBurst = v2 is not null;
        if (v2 is not null) lookup.Burst = v2.BeginBurst();

        _candCount = 0;
        Span<int> known = stackalloc int[_s.BucketSize];
        int n = _dht.ClosestKnown(node, _nodes.DhtId[node], target, _nodes.Online, known);
        for (int i = 0; i < n; i++) AddCandidate(known[i], target, depth: 1);

        double latencyMs = 0;
        for (int round = 0; round < MaxRounds && !Converged(); round++)
        {
            double slowestOk = 0, slowestFailed = 0;
            bool anyOk = false;
            for (int asked = 0; asked < _s.Alpha; asked++)
            {
                int c = NextFresh();
                if (c < 0) break;
                int peer = _candNode[c];
                double cost = Query(node, peer, lookup, out bool ok);
                if (!ok)
                {
                    _candState[c] = Failed;
                    slowestFailed = Math.Max(slowestFailed, cost);
                    continue;
                }
                _candState[c] = Answered;
                anyOk = true;
                slowestOk = Math.Max(slowestOk, cost);
                int depth = _candDepth[c];
                n = _dht.ClosestKnown(peer, _nodes.DhtId[peer], target, _nodes.Online, known);
                for (int i = 0; i < n; i++) if (known[i] != node) AddCandidate(known[i], target, depth + 1);
            }
            latencyMs += anyOk ? slowestOk : slowestFailed;
        }

        int best = BestAnswered();
        if (measured && best >= 0)
        {
            Metrics.LookupHops.Add(_candDepth[best]);
            if (_candNode[best] == _dht.ClosestOnline(target, _nodes.Online)) Metrics.LookupSuccesses++;
        }
        if (measured) Metrics.LookupLatencyMs.Add(latencyMs);
        lookup.Node = node;
        _queue.Schedule(_now + Math.Max(1, (long)latencyMs), EventKind.BurstEnd, slot);
    }

    private int NewLookupSlot()
    {
        _lookups.Add(new LookupInFlight());
        return _lookups.Count - 1;
    }

    /// <summary>One query: slot, dial (if not connected), answer. Returns its duration.</summary>
    private double Query(int node, int peer, LookupInFlight lookup, out bool ok)
    {
        ok = false;
        double rtt = _nodes.RttMs(node, peer);
        if (!_nodes.Online[peer])
        {
            // A stale routing-table entry: the dial times out (and holds a router entry meanwhile).
            Connect(node, peer);
            return _s.DialTimeoutMs;
        }
        bool connected = _links.Connected(node, peer);
        if (QuotasOn && V2(node) is { } v2)
        {
            var slot = v2.RequestSlot(SimSubsystems.Dht, new PeerKey(peer), _now);
            if (!slot.IsGranted)
            {
                Metrics.DhtStarvations++;
                return 0;
            }
            if (slot.HasVictim && _links.Connected(node, slot.Victim.Value))
            {
                Close(node, slot.Victim.Value, CloseReason.Reclaim);
                Metrics.ReclaimCloses++;
            }
        }
        var outcome = Connect(node, peer);
        if (!IsUp(outcome))
        {
            if (QuotasOn && _engines[node] is Policy.Engine.ConnectionManagerPolicy e) e.ReleaseSlot(SimSubsystems.Dht, new PeerKey(peer), _now);
            if (outcome is DialOutcome.LocalRefused) Metrics.DhtStarvations++;
            return outcome is DialOutcome.LocalRouterFull or DialOutcome.RemoteRouterFull ? _s.DialTimeoutMs
                : outcome == DialOutcome.SkippedForBye ? 0 : rtt;
        }
        ok = true;
        int i = _links.IndexOf(node, peer);
        _links.FlagsAt(node, i) |= LinkFlags.InQuery;
        UpdateStreams(node, peer);
        lookup.Peers.Add(peer);
        var engine = Engine(node);
        if (lookup.HasBurst && engine is Policy.Engine.ConnectionManagerPolicy burstOwner) burstOwner.Enlist(lookup.Burst, new PeerKey(peer));
        engine.RecordSignal(new PeerKey(peer), UsefulnessSignal.SuccessfulQuery, 1, _now);
        // A new connection costs TCP + Noise + multistream (about two round trips) before the query's own.
        return (connected ? 1 : 3) * rtt;
    }

    private void EndLookup(int slot)
    {
        var lookup = _lookups[slot];
        _freeLookups.Push(slot);
        int node = lookup.Node;
        if (!_nodes.Online[node] || _nodes.SessionNumber[node] != lookup.Session) return;
        var v2 = _engines[node] as Policy.Engine.ConnectionManagerPolicy;
        foreach (int peer in lookup.Peers)
        {
            int i = _links.IndexOf(node, peer);
            if (i >= 0)
            {
                _links.FlagsAt(node, i) &= ~LinkFlags.InQuery;
                UpdateStreams(node, peer);
            }
            if (QuotasOn && v2 is not null) v2.ReleaseSlot(SimSubsystems.Dht, new PeerKey(peer), _now);
        }
        if (lookup.HasBurst && v2 is not null) v2.EndBurst(lookup.Burst, _now);
        QueueRegulation(node);
    }

    private void AddCandidate(int peer, ulong target, int depth)
    {
        ulong distance = _nodes.DhtId[peer] ^ target;
        for (int i = 0; i < _candCount; i++) if (_candNode[i] == peer) return;
        int pos = _candCount;
        if (pos == MaxCandidates)
        {
            if (distance >= _candDistance[pos - 1]) return;
            pos--;
        }
        else _candCount++;
        while (pos > 0 && _candDistance[pos - 1] > distance)
        {
            _candNode[pos] = _candNode[pos - 1];
            _candDistance[pos] = _candDistance[pos - 1];
            _candDepth[pos] = _candDepth[pos - 1];
            _candState[pos] = _candState[pos - 1];
            pos--;
        }
        _candNode[pos] = peer;
        _candDistance[pos] = distance;
        _candDepth[pos] = (byte)Math.Min(depth, 255);
        _candState[pos] = Fresh;
    }

    private int NextFresh()
    {
        for (int i = 0; i < _candCount; i++) if (_candState[i] == Fresh) return i;
        return -1;
    }

    // Done when the Resiliency closest candidates that did not fail have all answered.
    private bool Converged()
    {
        int seen = 0;
        for (int i = 0; i < _candCount && seen < _s.Resiliency; i++)
        {
            if (_candState[i] == Failed) continue;
            if (_candState[i] == Fresh) return false;
            seen++;
        }
        return true;
    }

    private int BestAnswered()
    {
        for (int i = 0; i < _candCount; i++) if (_candState[i] == Answered) return i;
        return -1;
    }
}
