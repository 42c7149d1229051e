using ConnActors.Policy;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;

namespace ConnActors.Sim;

/// <summary>
/// Gossipsub meshes (D = 6, D_low = 4, D_high = 12) and message propagation. Instead of a heartbeat
/// on every node every second, a node repairs its mesh one heartbeat after it joins or loses a mesh
/// peer, and retries every 10 s while below D_low: the same repairs at far fewer events. Mesh peers are
/// tagged 20 (go-libp2p-pubsub's mesh-peer tag value) and, under v2 with quotas, claim pubsub slots.
/// Messages travel over mesh links only (gossip repair is not modelled): one hop costs half an RTT
/// plus 2 ms of validation.
/// </summary>
internal sealed partial class Simulation
{
    private const int D = 6, DLow = 4, DHigh = 12;
    private const long HeartbeatMs = 1_000;
    private const long MeshRetryMs = 10_000;
    private const int MeshTag = 1, MeshTagValue = 20;
    private byte[] _meshCount = [];
    private int[][] _topicMembers = [];
    private int[] _topicOnline = [];
    private double[] _arrivalMs = [];
    private int[] _arrivalStamp = [];
    private int _messageStamp;
    private readonly PriorityQueue<int, double> _frontier = new();

    private void InitPubsub()
    {
        _meshCount = new byte[_nodes.Count];
        _topicOnline = new int[Math.Max(0, _s.Topics)];
        if (_s.Topics <= 0) return;
        var members = new List<int>[_s.Topics];
        for (int t = 0; t < _s.Topics; t++) members[t] = new List<int>();
        for (int node = 0; node < _nodes.Count; node++) if (_nodes.Topic[node] >= 0) members[_nodes.Topic[node]].Add(node);
        _topicMembers = members.Select(m => m.ToArray()).ToArray();
        _arrivalMs = new double[_nodes.Count];
        _arrivalStamp = new int[_nodes.Count];
    }

    private void SchedulePublishing()
    {
        if (_s.Topics <= 0 || _s.MessagesPerTopicMinute <= 0) return;
        for (int t = 0; t < _s.Topics; t++) _queue.Schedule(60_000 + (long)ExponentialMs(_s.MessagesPerTopicMinute * 60), EventKind.Publish, t);
    }

    private void MeshRepair(int node, int session)
    {
        if (!_nodes.Online[node] || _nodes.SessionNumber[node] != session) return;
        int topic = _nodes.Topic[node];
        var members = _topicMembers[topic];
        if (_meshCount[node] < DLow)
        {
            for (int attempt = 0; attempt < 4 * D && _meshCount[node] < D; attempt++)
            {
                int peer = members[_random.Next(members.Length)];
                if (peer == node || !_nodes.Online[peer] || _nodes.Unreachable[peer] || _meshCount[peer] >= DHigh) continue;
                int i = _links.IndexOf(node, peer);
                if (i >= 0 && (_links.FlagsAt(node, i) & LinkFlags.Mesh) != 0) continue;
                Graft(node, peer);
            }
            if (_meshCount[node] < DLow) _queue.Schedule(_now + MeshRetryMs, EventKind.MeshRepair, node, session);
        }
        else if (_meshCount[node] > DHigh)
        {
            var neighbours = _links.Neighbours(node);
            for (int i = neighbours.Length - 1; i >= 0 && _meshCount[node] > D; i--)
            {
                if ((_links.FlagsAt(node, i) & LinkFlags.Mesh) != 0) Prune(node, neighbours[i]);
            }
        }
    }

    private void Graft(int node, int peer)
    {
        if (!ClaimPubsubSlot(node, peer)) return;
        var outcome = Connect(node, peer);
        if (!IsUp(outcome))
        {
            if (outcome == DialOutcome.LocalRefused) Metrics.PubsubStarvations++;
            ReleasePubsubSlot(node, peer);
            return;
        }
        if (!ClaimPubsubSlot(peer, node))
        {
            // The remote answers the GRAFT with a PRUNE: the connection stays, the mesh link does not.
            ReleasePubsubSlot(node, peer);
            return;
        }
        SetMesh(node, peer, true);
        SetMesh(peer, node, true);
    }

    private void Prune(int node, int peer)
    {
        SetMesh(node, peer, false);
        SetMesh(peer, node, false);
        ReleasePubsubSlot(node, peer);
        ReleasePubsubSlot(peer, node);
        if (_meshCount[peer] < DLow) _queue.Schedule(_now + HeartbeatMs, EventKind.MeshRepair, peer, _nodes.SessionNumber[peer]);
    }

    // Called by Close after the link is gone from both sides.
    private void MeshLinkLost(int a, int b)
    {
        MeshSideLost(a, b);
        MeshSideLost(b, a);
    }

    private void MeshSideLost(int node, int peer)
    {
        _meshCount[node]--;
        // go's BasicConnMgr forgets a peer's tags with its last connection; untagging would only
        // create a temporary entry there. v2 and js-like keep tags apart from connections.
        if (_engines[node] is { } engine and not Baselines.BasicConnectionManager) engine.SetTag(new PeerKey(peer), MeshTag, 0, _now);
        ReleasePubsubSlot(node, peer);
        if (_nodes.Online[node] && _meshCount[node] < DLow)
            _queue.Schedule(_now + HeartbeatMs, EventKind.MeshRepair, node, _nodes.SessionNumber[node]);
    }

    private void SetMesh(int node, int peer, bool on)
    {
        int i = _links.IndexOf(node, peer);
        if (on) _links.FlagsAt(node, i) |= LinkFlags.Mesh; else _links.FlagsAt(node, i) &= ~LinkFlags.Mesh;
        _meshCount[node] = (byte)(_meshCount[node] + (on ? 1 : -1));
        Engine(node).SetTag(new PeerKey(peer), MeshTag, on ? MeshTagValue : 0, _now);
        UpdateStreams(node, peer);
    }

    private bool ClaimPubsubSlot(int node, int peer)
    {
        if (!QuotasOn || V2(node) is not { } v2) return true;
        var decision = v2.RequestSlot(SimSubsystems.Pubsub, new PeerKey(peer), _now);
        if (!decision.IsGranted)
        {
            Metrics.PubsubStarvations++;
            return false;
        }
        if (decision.HasVictim && _links.Connected(node, decision.Victim.Value))
        {
            Close(node, decision.Victim.Value, CloseReason.Reclaim);
            Metrics.ReclaimCloses++;
        }
        return true;
    }

    private void ReleasePubsubSlot(int node, int peer)
    {
        if (QuotasOn && _engines[node] is Policy.Engine.ConnectionManagerPolicy v2) v2.ReleaseSlot(SimSubsystems.Pubsub, new PeerKey(peer), _now);
    }

    private void Publish(int topic)
    {
        _queue.Schedule(_now + Math.Max(1, (long)ExponentialMs(_s.MessagesPerTopicMinute * 60)), EventKind.Publish, topic);
        var members = _topicMembers[topic];
        int publisher = -1;
        for (int attempt = 0; attempt < 16 && publisher < 0; attempt++)
        {
            int m = members[_random.Next(members.Length)];
            if (_nodes.Online[m]) publisher = m;
        }
        if (publisher < 0) return;
        Metrics.Messages++;
        Metrics.ExpectedDeliveries += _topicOnline[topic] - 1;
        int stamp = ++_messageStamp;
        _frontier.Clear();
        _arrivalStamp[publisher] = stamp;
        _arrivalMs[publisher] = 0;
        _frontier.Enqueue(publisher, 0);
        while (_frontier.TryDequeue(out int node, out double at))
        {
            if (at > _arrivalMs[node]) continue;
            if (node != publisher)
            {
                Metrics.Deliveries++;
                Metrics.DeliveryLatencyMs.Add(at);
            }
            var neighbours = _links.Neighbours(node);
            for (int i = 0; i < neighbours.Length; i++)
            {
                if ((_links.FlagsAt(node, i) & LinkFlags.Mesh) == 0) continue;
                int next = neighbours[i];
                double arrival = at + _nodes.RttMs(node, next) / 2 + 2;
                if (_arrivalStamp[next] == stamp && _arrivalMs[next] <= arrival) continue;
                _arrivalStamp[next] = stamp;
                _arrivalMs[next] = arrival;
                _frontier.Enqueue(next, arrival);
            }
        }
    }
}
