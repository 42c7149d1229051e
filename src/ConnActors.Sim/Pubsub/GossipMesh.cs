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
/// Gossipsub meshes (by default D = 6, D_low = 4, D_high = 12; one mesh per topic a node subscribes to) and message
/// propagation. Instead of a heartbeat on every node every second, a node repairs its meshes one heartbeat after it
/// joins or loses a mesh peer, and retries every 10 s while a mesh is below D_low: the same repairs at far fewer
/// events. A mesh peer is tagged 20 per topic it shares a mesh in (go-libp2p-pubsub's per-topic mesh-peer tag) and,
/// under v2 with quotas, claims one pubsub slot however many topics it shares. Messages travel over mesh links only
/// (gossip repair is not modelled): one hop costs half an RTT plus 2 ms of validation.
/// </summary>
internal sealed class GossipMesh : INodeLifecycle, ILinkObserver
{
    private const long HeartbeatMs = 1_000;
    private const long MeshRetryMs = 10_000;
    private const int MeshTag = 1, MeshTagValue = 20;
    // go-libp2p-pubsub's delivery tag per topic: +1 per first delivery, at most 15, minus 1 every 10 minutes.
    private const long DeliveryTagDecayMs = 600_000;
    private const int DeliveryTagCap = 15;
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Connector _connector;
    private readonly int _d, _dLow, _dHigh;
    private readonly int _slots;
    // Mesh peers per node and topic slot.
    private readonly byte[] _meshCount;
    private readonly int[][] _topicMembers = [];
    private readonly int[] _topicOnline;
    private readonly double[] _arrivalMs = [];
    private readonly int[] _arrivalStamp = [];
    private readonly int[] _arrivalFrom = [];
    private DecayingTagId[]? _deliveryTags;
    private readonly PriorityQueue<int, double> _frontier = new();
    private int _messageStamp;

    public GossipMesh(SimContext ctx, NodeEngines engines, Connector connector)
    {
        _ctx = ctx;
        _engines = engines;
        _connector = connector;
        var nodes = ctx.Nodes;
        var s = ctx.Scenario;
        int topics = s.Topics;
        (_d, _dLow, _dHigh) = s.MeshDegree;
        if (_dLow < 1 || _dLow > _d || _d > _dHigh || _dHigh > byte.MaxValue)
            throw new ArgumentException($"scenario {s.Name}: mesh degree must satisfy 1 <= D_low <= D <= D_high <= 255, was {s.MeshDegree}");
        _slots = nodes.TopicSlots;
        _meshCount = new byte[nodes.Count * _slots];
        _topicOnline = new int[Math.Max(0, topics)];
        if (topics <= 0) return;
        var members = new List<int>[topics];
        for (int t = 0; t < topics; t++) members[t] = new List<int>();
        for (int node = 0; node < nodes.Count; node++)
        {
            for (int slot = 0; slot < _slots && nodes.TopicAt(node, slot) >= 0; slot++) members[nodes.TopicAt(node, slot)].Add(node);
        }
        _topicMembers = members.Select(m => m.ToArray()).ToArray();
        _arrivalMs = new double[nodes.Count];
        _arrivalStamp = new int[nodes.Count];
        _arrivalFrom = new int[nodes.Count];
        engines.Configure += RegisterDeliveryTags;
    }

    // go-libp2p-pubsub registers a decaying "pubsub-deliveries:<topic>" tag per topic with the connection manager.
    private void RegisterDeliveryTags(int node, IConnectionPolicy engine)
    {
        if (!_ctx.Nodes.Subscribes(node) || engine is not BasicConnectionManager basic) return;
        var ids = new DecayingTagId[_slots];
        for (int slot = 0; slot < _slots; slot++)
            ids[slot] = basic.RegisterDecayingTag($"pubsub-deliveries:{_ctx.Nodes.TopicAt(node, slot)}", DeliveryTagDecayMs, DecayRule.Fixed(1), BumpRule.SumBounded(0, DeliveryTagCap));
        if (_deliveryTags is { } known && !known.AsSpan().SequenceEqual(ids)) throw new InvalidOperationException("every basic engine registers the delivery tags first");
        _deliveryTags = ids;
    }

    /// <summary>Mesh peers of <paramref name="node"/> in the topic of its <paramref name="slot"/>.</summary>
    public int MeshCount(int node, int slot) => _meshCount[node * _slots + slot];

    /// <summary>Topic slots per node.</summary>
    public int Slots => _slots;

    /// <summary>Schedules the first message of every topic.</summary>
    public void SchedulePublishing()
    {
        var s = _ctx.Scenario;
        if (s.Topics <= 0 || s.MessagesPerTopicMinute <= 0) return;
        for (int t = 0; t < s.Topics; t++) _ctx.Queue.Schedule(60_000 + (long)_ctx.ExponentialMs(s.MessagesPerTopicMinute * 60), EventKind.Publish, t);
    }

    public void NodeJoined(int node, int session)
    {
        if (!_ctx.Nodes.Subscribes(node)) return;
        for (int slot = 0; slot < _slots && _ctx.Nodes.TopicAt(node, slot) >= 0; slot++) _topicOnline[_ctx.Nodes.TopicAt(node, slot)]++;
        _ctx.Queue.Schedule(_ctx.Now + HeartbeatMs, EventKind.MeshRepair, node, session);
    }

    public void NodeLeft(int node)
    {
        for (int slot = 0; slot < _slots && _ctx.Nodes.TopicAt(node, slot) >= 0; slot++)
        {
            _topicOnline[_ctx.Nodes.TopicAt(node, slot)]--;
            _meshCount[node * _slots + slot] = 0;
        }
    }

    /// <summary>
    /// A <see cref="EventKind.MeshRepair"/> event: each of the node's meshes below D_low GRAFTs up to D, and each above
    /// D_high PRUNEs down to D, one topic after another as gossipsub's heartbeat does.
    /// </summary>
    public void Repair(int node, int session)
    {
        if (!_ctx.IsCurrent(node, session)) return;
        bool belowLow = false;
        for (int slot = 0; slot < _slots && _ctx.Nodes.TopicAt(node, slot) >= 0; slot++)
        {
            int count = MeshCount(node, slot);
            if (count < _dLow)
            {
                GraftUpToD(node, slot);
                belowLow |= MeshCount(node, slot) < _dLow;
            }
            else if (count > _dHigh) PruneToD(node, slot);
        }
        if (belowLow) _ctx.Queue.Schedule(_ctx.Now + MeshRetryMs, EventKind.MeshRepair, node, session);
    }

    // Draws random members of the slot's topic, at most 4·D draws.
    private void GraftUpToD(int node, int slot)
    {
        var nodes = _ctx.Nodes;
        var links = _ctx.Links;
        int topic = nodes.TopicAt(node, slot);
        var members = _topicMembers[topic];
        var bit = MeshTopics.Bit(slot);
        for (int attempt = 0; attempt < 4 * _d && MeshCount(node, slot) < _d; attempt++)
        {
            int peer = members[_ctx.Random.Next(members.Length)];
            if (peer == node || !nodes.Online[peer] || nodes.Unreachable[peer] || MeshCount(peer, nodes.SlotOf(peer, topic)) >= _dHigh) continue;
            int i = links.IndexOf(node, peer);
            if (i >= 0 && (links.FlagsAt(node, i) & bit) != 0) continue;
            Graft(node, slot, peer, topic);
        }
    }

    private void PruneToD(int node, int slot)
    {
        var links = _ctx.Links;
        var neighbours = links.Neighbours(node);
        var bit = MeshTopics.Bit(slot);
        for (int i = neighbours.Length - 1; i >= 0 && MeshCount(node, slot) > _d; i--)
        {
            if ((links.FlagsAt(node, i) & bit) != 0) Prune(node, slot, neighbours[i], _ctx.Nodes.TopicAt(node, slot));
        }
    }

    private void Graft(int node, int slot, int peer, int topic)
    {
        // One stream and one pubsub slot per peer, however many topics' meshes the two share.
        bool meshedAlready = InMesh(node, peer);
        if (!meshedAlready && !ClaimSlot(node, peer)) return;
        var outcome = _connector.Connect(node, peer);
        if (!Connector.IsUp(outcome))
        {
            if (outcome == DialOutcome.LocalRefused) _ctx.Metrics.PubsubStarvations++;
            if (!meshedAlready) ReleaseSlot(node, peer);
            return;
        }
        if (!meshedAlready && !ClaimSlot(peer, node))
        {
            // The remote answers the GRAFT with a PRUNE: the connection stays, the mesh link does not.
            ReleaseSlot(node, peer);
            return;
        }
        SetMesh(node, slot, peer, true);
        SetMesh(peer, _ctx.Nodes.SlotOf(peer, topic), node, true);
        if (!meshedAlready) StreamSignals.Opened(_engines, node, peer, _ctx.Now);
    }

    private void Prune(int node, int slot, int peer, int topic)
    {
        int peerSlot = _ctx.Nodes.SlotOf(peer, topic);
        SetMesh(node, slot, peer, false);
        SetMesh(peer, peerSlot, node, false);
        if (!InMesh(node, peer))
        {
            ReleaseSlot(node, peer);
            ReleaseSlot(peer, node);
        }
        if (MeshCount(peer, peerSlot) < _dLow) _ctx.Queue.Schedule(_ctx.Now + HeartbeatMs, EventKind.MeshRepair, peer, _ctx.Nodes.SessionNumber[peer]);
    }

    private bool InMesh(int node, int peer)
    {
        int i = _ctx.Links.IndexOf(node, peer);
        return i >= 0 && (_ctx.Links.FlagsAt(node, i) & LinkFlags.Mesh) != 0;
    }

    public void LinkClosed(in ClosedLink link)
    {
        if ((link.FlagsA & LinkFlags.Mesh) == 0) return;
        SideLost(link.A, link.B, link.FlagsA);
        SideLost(link.B, link.A, link.FlagsB);
    }

    private void SideLost(int node, int peer, LinkFlags flags)
    {
        bool belowLow = false;
        for (int slot = 0; slot < _slots; slot++)
        {
            if ((flags & MeshTopics.Bit(slot)) == 0) continue;
            int at = node * _slots + slot;
            _meshCount[at]--;
            belowLow |= _meshCount[at] < _dLow;
        }
        // go's BasicConnMgr forgets a peer's tags with its last connection; untagging would only
        // create a temporary entry there. v2 and js-like keep tags apart from connections.
        if (_engines.Existing(node) is { } engine and not BasicConnectionManager) engine.SetTag(new PeerKey(peer), MeshTag, 0, _ctx.Now);
        ReleaseSlot(node, peer);
        if (_ctx.Nodes.Online[node] && belowLow)
            _ctx.Queue.Schedule(_ctx.Now + HeartbeatMs, EventKind.MeshRepair, node, _ctx.Nodes.SessionNumber[node]);
    }

    private void SetMesh(int node, int slot, int peer, bool on)
    {
        var links = _ctx.Links;
        ref var flags = ref links.FlagsAt(node, links.IndexOf(node, peer));
        if (on) flags |= MeshTopics.Bit(slot); else flags &= ~MeshTopics.Bit(slot);
        int at = node * _slots + slot;
        _meshCount[at] = (byte)(_meshCount[at] + (on ? 1 : -1));
        _engines.Of(node).SetTag(new PeerKey(peer), MeshTag, MeshTagValue * MeshTopics.Count(flags), _ctx.Now);
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
        var members = _topicMembers[topic];
        // A small network may leave a topic without subscribers: it never has a publisher.
        if (members.Length == 0) return;
        _ctx.Queue.Schedule(_ctx.Now + Math.Max(1, (long)_ctx.ExponentialMs(_ctx.Scenario.MessagesPerTopicMinute * 60)), EventKind.Publish, topic);
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
            int slot = nodes.SlotOf(node, topic);
            if (node != publisher)
            {
                metrics.Deliveries++;
                metrics.DeliveryLatencyMs.Add(at);
                FirstDelivery(node, slot, _arrivalFrom[node]);
            }
            var bit = MeshTopics.Bit(slot);
            var neighbours = links.Neighbours(node);
            for (int i = 0; i < neighbours.Length; i++)
            {
                if ((links.FlagsAt(node, i) & bit) == 0) continue;
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
    private void FirstDelivery(int node, int slot, int from)
    {
        int i = _ctx.Links.IndexOf(node, from);
        if (i >= 0) _ctx.Links.MarkUseful(node, i, _ctx.Now);
        _ctx.Metrics.UsefulMessages++;
        switch (_engines.Existing(node))
        {
            case ConnectionManagerPolicy v2:
                v2.RecordSignal(new PeerKey(from), UsefulnessSignal.FirstDelivery, 1, _ctx.Now);
                break;
            case BasicConnectionManager basic when _deliveryTags is { } tags:
                basic.BumpDecayingTag(new PeerKey(from), tags[slot], 1, _ctx.Now);
                break;
        }
    }
}
