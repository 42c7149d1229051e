using ConnActors.Baselines;
using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Scoring;
using ConnActors.Sim.Churn;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Pubsub;

/// <summary>
/// Gossipsub meshes (D = 6, D_low = 4, D_high = 12) and message propagation. Instead of a heartbeat
/// on every node every second, a node repairs its mesh one heartbeat after it joins or loses a mesh
/// peer, and retries every 10 s while below D_low: the same repairs at far fewer events. Mesh peers are
/// tagged 20 (go-libp2p-pubsub's mesh-peer tag value) and, under v2 with quotas, claim pubsub slots.
/// Messages travel over mesh links only (gossip repair is not modelled): one hop costs half an RTT
/// plus 2 ms of validation.
/// </summary>
internal sealed class GossipMesh : INodeLifecycle, ILinkObserver
{
    private const int D = 6, DLow = 4, DHigh = 12;
    private const long HeartbeatMs = 1_000;
    private const long MeshRetryMs = 10_000;
    private const int MeshTag = 1, MeshTagValue = 20;
    // go-libp2p-pubsub's delivery tag: +1 per first delivery, at most 15, minus 1 every 10 minutes.
    private const long DeliveryTagDecayMs = 600_000;
    private const int DeliveryTagCap = 15;
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Connector _connector;
    private readonly byte[] _meshCount;
    private readonly int[][] _topicMembers = [];
    private readonly int[] _topicOnline;
    private readonly double[] _arrivalMs = [];
    private readonly int[] _arrivalStamp = [];
    private readonly int[] _arrivalFrom = [];
    private DecayingTagId? _deliveryTag;
    private readonly PriorityQueue<int, double> _frontier = new();
    private int _messageStamp;

    public GossipMesh(SimContext ctx, NodeEngines engines, Connector connector)
    {
        _ctx = ctx;
        _engines = engines;
        _connector = connector;
        var nodes = ctx.Nodes;
        int topics = ctx.Scenario.Topics;
        _meshCount = new byte[nodes.Count];
        _topicOnline = new int[Math.Max(0, topics)];
        if (topics <= 0) return;
        var members = new List<int>[topics];
        for (int t = 0; t < topics; t++) members[t] = new List<int>();
        for (int node = 0; node < nodes.Count; node++) if (nodes.Topic[node] >= 0) members[nodes.Topic[node]].Add(node);
        _topicMembers = members.Select(m => m.ToArray()).ToArray();
        _arrivalMs = new double[nodes.Count];
        _arrivalStamp = new int[nodes.Count];
        _arrivalFrom = new int[nodes.Count];
        engines.Configure += RegisterDeliveryTag;
    }

    // go-libp2p-pubsub registers a decaying "pubsub-deliveries:<topic>" tag with the connection manager.
    private void RegisterDeliveryTag(int node, IConnectionPolicy engine)
    {
        int topic = _ctx.Nodes.Topic[node];
        if (topic < 0 || engine is not BasicConnectionManager basic) return;
        var id = basic.RegisterDecayingTag($"pubsub-deliveries:{topic}", DeliveryTagDecayMs, DecayRule.Fixed(1), BumpRule.SumBounded(0, DeliveryTagCap));
        if (_deliveryTag is { } known && known != id) throw new InvalidOperationException("every basic engine registers the delivery tag first");
        _deliveryTag = id;
    }

    /// <summary>Mesh peers of <paramref name="node"/>.</summary>
    public int MeshCount(int node) => _meshCount[node];

    /// <summary>Schedules the first message of every topic.</summary>
    public void SchedulePublishing()
    {
        var s = _ctx.Scenario;
        if (s.Topics <= 0 || s.MessagesPerTopicMinute <= 0) return;
        for (int t = 0; t < s.Topics; t++) _ctx.Queue.Schedule(60_000 + (long)_ctx.ExponentialMs(s.MessagesPerTopicMinute * 60), EventKind.Publish, t);
    }

    public void NodeJoined(int node, int session)
    {
        int topic = _ctx.Nodes.Topic[node];
        if (topic < 0) return;
        _topicOnline[topic]++;
        _ctx.Queue.Schedule(_ctx.Now + HeartbeatMs, EventKind.MeshRepair, node, session);
    }

    public void NodeLeft(int node)
    {
        int topic = _ctx.Nodes.Topic[node];
        if (topic >= 0) _topicOnline[topic]--;
        _meshCount[node] = 0;
    }

    /// <summary>A <see cref="EventKind.MeshRepair"/> event: GRAFT up to D below D_low, PRUNE down to D above D_high.</summary>
    public void Repair(int node, int session)
    {
        if (!_ctx.IsCurrent(node, session)) return;
        var nodes = _ctx.Nodes;
        var links = _ctx.Links;
        if (_meshCount[node] < DLow)
        {
            var members = _topicMembers[nodes.Topic[node]];
            for (int attempt = 0; attempt < 4 * D && _meshCount[node] < D; attempt++)
            {
                int peer = members[_ctx.Random.Next(members.Length)];
                if (peer == node || !nodes.Online[peer] || nodes.Unreachable[peer] || _meshCount[peer] >= DHigh) continue;
                int i = links.IndexOf(node, peer);
                if (i >= 0 && (links.FlagsAt(node, i) & LinkFlags.Mesh) != 0) continue;
                Graft(node, peer);
            }
            if (_meshCount[node] < DLow) _ctx.Queue.Schedule(_ctx.Now + MeshRetryMs, EventKind.MeshRepair, node, session);
        }
        else if (_meshCount[node] > DHigh)
        {
            var neighbours = links.Neighbours(node);
            for (int i = neighbours.Length - 1; i >= 0 && _meshCount[node] > D; i--)
            {
                if ((links.FlagsAt(node, i) & LinkFlags.Mesh) != 0) Prune(node, neighbours[i]);
            }
        }
    }

    private void Graft(int node, int peer)
    {
        if (!ClaimSlot(node, peer)) return;
        var outcome = _connector.Connect(node, peer);
        if (!Connector.IsUp(outcome))
        {
            if (outcome == DialOutcome.LocalRefused) _ctx.Metrics.PubsubStarvations++;
            ReleaseSlot(node, peer);
            return;
        }
        if (!ClaimSlot(peer, node))
        {
            // The remote answers the GRAFT with a PRUNE: the connection stays, the mesh link does not.
            ReleaseSlot(node, peer);
            return;
        }
        SetMesh(node, peer, true);
        SetMesh(peer, node, true);
        StreamSignals.Opened(_engines, node, peer, _ctx.Now);
    }

    private void Prune(int node, int peer)
    {
        SetMesh(node, peer, false);
        SetMesh(peer, node, false);
        ReleaseSlot(node, peer);
        ReleaseSlot(peer, node);
        if (_meshCount[peer] < DLow) _ctx.Queue.Schedule(_ctx.Now + HeartbeatMs, EventKind.MeshRepair, peer, _ctx.Nodes.SessionNumber[peer]);
    }

    public void LinkClosed(in ClosedLink link)
    {
        if ((link.FlagsA & LinkFlags.Mesh) == 0) return;
        SideLost(link.A, link.B);
        SideLost(link.B, link.A);
    }

    private void SideLost(int node, int peer)
    {
        _meshCount[node]--;
        // go's BasicConnMgr forgets a peer's tags with its last connection; untagging would only
        // create a temporary entry there. v2 and js-like keep tags apart from connections.
        if (_engines.Existing(node) is { } engine and not BasicConnectionManager) engine.SetTag(new PeerKey(peer), MeshTag, 0, _ctx.Now);
        ReleaseSlot(node, peer);
        if (_ctx.Nodes.Online[node] && _meshCount[node] < DLow)
            _ctx.Queue.Schedule(_ctx.Now + HeartbeatMs, EventKind.MeshRepair, node, _ctx.Nodes.SessionNumber[node]);
    }

    private void SetMesh(int node, int peer, bool on)
    {
        var links = _ctx.Links;
        int i = links.IndexOf(node, peer);
        if (on) links.FlagsAt(node, i) |= LinkFlags.Mesh; else links.FlagsAt(node, i) &= ~LinkFlags.Mesh;
        _meshCount[node] = (byte)(_meshCount[node] + (on ? 1 : -1));
        _engines.Of(node).SetTag(new PeerKey(peer), MeshTag, on ? MeshTagValue : 0, _ctx.Now);
        StreamCounts.Update(_engines, links, node, peer);
    }

    private bool ClaimSlot(int node, int peer)
    {
        if (!_engines.QuotasOn || _engines.V2(node) is not { } v2) return true;
        var decision = v2.RequestSlot(SimSubsystems.Pubsub, new PeerKey(peer), _ctx.Now);
        if (!decision.IsGranted)
        {
            _ctx.Metrics.PubsubStarvations++;
            return false;
        }
        if (decision.HasVictim && _ctx.Links.Connected(node, decision.Victim.Value))
        {
            _connector.CloseByPolicy(node, decision.Victim.Value, CloseReason.Reclaim);
            _ctx.Metrics.ReclaimCloses++;
        }
        return true;
    }

    private void ReleaseSlot(int node, int peer)
    {
        if (_engines.QuotasOn) _engines.ExistingV2(node)?.ReleaseSlot(SimSubsystems.Pubsub, new PeerKey(peer), _ctx.Now);
    }

    /// <summary>A <see cref="EventKind.Publish"/> event: a random online member publishes; the message floods the mesh.</summary>
    public void Publish(int topic)
    {
        var nodes = _ctx.Nodes;
        var links = _ctx.Links;
        var metrics = _ctx.Metrics;
        _ctx.Queue.Schedule(_ctx.Now + Math.Max(1, (long)_ctx.ExponentialMs(_ctx.Scenario.MessagesPerTopicMinute * 60)), EventKind.Publish, topic);
        var members = _topicMembers[topic];
        int publisher = -1;
        for (int attempt = 0; attempt < 16 && publisher < 0; attempt++)
        {
            int m = members[_ctx.Random.Next(members.Length)];
            if (nodes.Online[m]) publisher = m;
        }
        if (publisher < 0) return;
        metrics.Messages++;
        metrics.ExpectedDeliveries += _topicOnline[topic] - 1;
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
                metrics.Deliveries++;
                metrics.DeliveryLatencyMs.Add(at);
                FirstDelivery(node, _arrivalFrom[node]);
            }
            var neighbours = links.Neighbours(node);
            for (int i = 0; i < neighbours.Length; i++)
            {
                if ((links.FlagsAt(node, i) & LinkFlags.Mesh) == 0) continue;
                int next = neighbours[i];
                double arrival = at + nodes.RttMs(node, next) / 2 + 2;
                if (_arrivalStamp[next] == stamp && _arrivalMs[next] <= arrival) continue;
                _arrivalStamp[next] = stamp;
                _arrivalMs[next] = arrival;
                _arrivalFrom[next] = node;
                _frontier.Enqueue(next, arrival);
            }
        }
    }

    // The mesh peer that delivered a message first was useful; gossipsub tells the connection manager
    // (v2: a first-delivery signal; go's BasicConnMgr: a bump of the decaying delivery tag).
    private void FirstDelivery(int node, int from)
    {
        int i = _ctx.Links.IndexOf(node, from);
        if (i >= 0) _ctx.Links.MarkUseful(node, i, _ctx.Now);
        _ctx.Metrics.UsefulMessages++;
        switch (_engines.Existing(node))
        {
            case ConnectionManagerPolicy v2:
                v2.RecordSignal(new PeerKey(from), UsefulnessSignal.FirstDelivery, 1, _ctx.Now);
                break;
            case BasicConnectionManager basic when _deliveryTag is { } tag:
                basic.BumpDecayingTag(new PeerKey(from), tag, 1, _ctx.Now);
                break;
        }
    }
}
