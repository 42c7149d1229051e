using ConnActors.Policy;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Dht;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;
using ConnActors.Sim.Churn;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Dht;

/// <summary>
/// Kademlia lookups, each run the way the node's stack runs them (<see cref="LookupRule"/>): in rounds of alpha queries
/// to the closest candidates not yet asked, each answer adding the answerer's k closest known peers, until the k closest
/// have answered (v2, the node's rule, the spec's) or the 3 closest have and then the rest of the top k is asked at once
/// (go-libp2p, for basic and none); or over disjoint paths until every path's queue is empty (js-libp2p, for js-like).
/// Every query needs a connection,
/// so lookups are the bursts of short-lived dials the policies must absorb. All of a lookup's dials are
/// admitted at its start time (the policies see time advance between events only); its burst ends,
/// and its query streams close, after its simulated latency.
/// </summary>
internal sealed partial class DhtLookups : INodeLifecycle
{
    private const int MaxRounds = 24;
    // go-libp2p-kad-dht tags the peers of its routing table "kbucket" with value 5 in the connection manager.
    private const int KbucketTag = 2, KbucketTagValue = 5;
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Connector _connector;
    private readonly Regulator _regulator;
    private readonly List<LookupInFlight> _lookups = new();
    // Per node, its running lookups (a list through LookupInFlight.NextOfNode), for lookups that share dht slots.
    private readonly int[] _firstLookupOf;
    private readonly Stack<int> _freeLookups = new();
    private readonly List<PeerKey> _released = new();
    // Per node, when its lookups follow the node's slow-query rule (v2's, as dht.slow-queries = on): recent answers.
    private readonly SlowQueryRule?[]? _slowQueries;

    public DhtLookups(SimContext ctx, NodeEngines engines, Connector connector, Regulator regulator)
    {
        _ctx = ctx;
        _engines = engines;
        _connector = connector;
        _regulator = regulator;
        Index = new DhtIndex(ctx.Nodes, ctx.Seed);
        _firstLookupOf = new int[ctx.Scenario.Nodes];
        Array.Fill(_firstLookupOf, -1);
        if (engines.Variant.Family == PolicyFamily.V2 && engines.Variant.SlowQueries && engines.Variant.Lookups == LookupRule.Spec)
            _slowQueries = new SlowQueryRule?[ctx.Scenario.Nodes];
        if (ctx.Scenario.LookupsPerNodeHour > 0)
        {
            if (engines.Variant.Family == PolicyFamily.Basic) connector.Opened += TagRoutingTablePeers;
            else if (engines.QuotasOn) connector.Opened += ClaimRoutingTablePeers;
        }
    }

    /// <summary>True when <paramref name="peer"/> is a DHT server in <paramref name="self"/>'s routing table now.</summary>
    public bool InRoutingTable(int self, int peer)
    {
        var nodes = _ctx.Nodes;
        return !nodes.Unreachable[peer] && Index.InRoutingTable(self, nodes.DhtId[self], peer, nodes.DhtId[peer], nodes.Online, _ctx.Scenario.BucketSize);
    }

    // The v2 DHT holds a "dht-routing" slot on each connected routing-table peer while it has room in that
    // quota; the claim goes with the connection.
    private void ClaimRoutingTablePeers(int a, int b)
    {
        if (InRoutingTable(a, b)) _engines.V2(a)?.RequestSlot(SimSubsystems.DhtRouting, new PeerKey(b), _ctx.Now);
        if (InRoutingTable(b, a)) _engines.V2(b)?.RequestSlot(SimSubsystems.DhtRouting, new PeerKey(a), _ctx.Now);
    }

    private void TagRoutingTablePeers(int a, int b)
    {
        if (InRoutingTable(a, b)) _engines.Of(a).SetTag(new PeerKey(b), KbucketTag, KbucketTagValue, _ctx.Now);
        if (InRoutingTable(b, a)) _engines.Of(b).SetTag(new PeerKey(a), KbucketTag, KbucketTagValue, _ctx.Now);
    }

    public DhtIndex Index { get; }

    private sealed class LookupInFlight
    {
        public int Node;
        public int Session;
        public BurstId Burst;
        public bool HasBurst;
        public readonly List<int> Peers = new();
        // Peers whose query asked for a dht slot (those it dialled), released when the lookup ends.
        public readonly List<int> Claimed = new();
        public int PreviousOfNode = -1, NextOfNode = -1;
    }

    /// <summary>A joining node looks itself up (its bootstrap) and starts its stream of lookups.</summary>
    public void NodeJoined(int node, int session)
    {
        double rate = _ctx.Scenario.LookupsPerNodeHour;
        if (rate <= 0) return;
        if (_slowQueries is not null) (_slowQueries[node] ??= new SlowQueryRule()).Clear();
        Run(node, _ctx.Nodes.DhtId[node], measured: false);
        _ctx.Queue.Schedule(_ctx.Now + (long)_ctx.ExponentialMs(rate), EventKind.LookupStart, node, session);
    }

    public void NodeLeft(int node)
    {
    }

    /// <summary>A <see cref="EventKind.LookupStart"/> event: a lookup of a random key, and the next one scheduled.</summary>
    public void Start(int node, int session)
    {
        if (!_ctx.IsCurrent(node, session)) return;
        Run(node, _ctx.Random.NextUInt64(), measured: true);
        _ctx.Queue.Schedule(_ctx.Now + Math.Max(1, (long)_ctx.ExponentialMs(_ctx.Scenario.LookupsPerNodeHour)), EventKind.LookupStart, node, session);
    }

    // A node's self-lookup on joining (its bootstrap) loads the network like any other but is left out
    // of the lookup statistics, which describe lookups of random keys as RFM17 measured them.
    private void Run(int node, ulong target, bool measured)
    {
        var nodes = _ctx.Nodes;
        var metrics = _ctx.Metrics;
        if (measured) metrics.Lookups++;
        int slot = _freeLookups.Count > 0 ? _freeLookups.Pop() : NewLookupSlot();
        var lookup = _lookups[slot];
        lookup.Node = node;
        lookup.Session = nodes.SessionNumber[node];
        lookup.Peers.Clear();
        lookup.Claimed.Clear();
        Link(node, slot);
        var v2 = _engines.V2(node);
        lookup.HasBurst = v2 is not null;
        if (v2 is not null) lookup.Burst = v2.BeginBurst(_ctx.Now);

        var rule = _engines.Variant.Lookups;
        int queries = 0, opened = 0;
        var walk = rule == LookupRule.JsPaths
            ? RunPaths(node, target, lookup, ref queries, ref opened)
            : RunIterative(node, target, lookup, rule, ref queries, ref opened);

        if (measured && walk.BestNode >= 0)
        {
            metrics.LookupHops.Add(walk.BestDepth);
            // A lookup answers with peers other than the node itself (go's GetClosestPeers, the node's KadLookup), so it
            // succeeds when it finds the closest server but itself: a key the searching server is closest to is no failure.
            if (walk.BestNode == Index.ClosestOnline(target, nodes.Online, except: node)) metrics.LookupSuccesses++;
        }
        if (measured)
        {
            metrics.LookupLatencyMs.Add(walk.LatencyMs);
            metrics.LookupQueries.Add(queries);
            metrics.LookupOpened.Add(opened);
        }
        _ctx.Queue.Schedule(_ctx.Now + Math.Max(1, (long)walk.LatencyMs), EventKind.BurstEnd, slot);
    }

    // A query given a claim at the maximum that then finds the node full asks for room: first the connection of the peer whose
    // claim it was given (so one peer moves, claim and connection, as when room is made at once), else as any query refused for room.
    private bool TakeSlotFor(SlotOutcome refusal, int node, LookupInFlight lookup, ConnectionManagerPolicy v2, long now, ref int givenAtMaximum)
    {
        if (refusal == SlotOutcome.DeniedAtMaximum)
            return _engines.Variant.ShareLookupSlots && (givenAtMaximum = TakeSlotFromBusierLookup(node, lookup, v2, now, makeRoom: false)) >= 0;
        if (!_engines.Variant.ShareLookupRoom) return false;
        if (givenAtMaximum >= 0 && !InRoutingTable(node, givenAtMaximum) && LeaveBursts(node, lookup.Session, givenAtMaximum, v2, now)) return true;
        return TakeSlotFromBusierLookup(node, lookup, v2, now, makeRoom: true) >= 0;
    }

    // As the node (dht.share-lookup-slots, LookupSlotSharing): a lookup refused a dht slot takes one from the running lookup of
    // its node that holds the most, if the rule lets it. Refused at the quota's maximum, that lookup gives up its claim on the
    // last peer that answered it (the connection stays, in its burst, until that lookup ends). Refused because the node is
    // full (makeRoom), the peer (one not in the routing table) also leaves the bursts of the lookups that asked it, so the
    // connection the giver opened closes now rather than when that lookup ends. All of a lookup's queries are made at its
    // start here, so every peer a running lookup asked has answered. Returns the peer given up (-1: none, or no room made).
    private int TakeSlotFromBusierLookup(int node, LookupInFlight lookup, ConnectionManagerPolicy v2, long now, bool makeRoom)
    {
        LookupInFlight? busiest = null;
        int given = -1;
        for (int s = _firstLookupOf[node]; s >= 0; s = _lookups[s].NextOfNode)
        {
            var other = _lookups[s];
            if (ReferenceEquals(other, lookup) || other.Session != lookup.Session
                || !LookupSlotSharing.IsBetterGiver(other.Claimed.Count, busiest?.Claimed.Count ?? -1, lookup.Claimed.Count)) continue;
            int peer = makeRoom ? LastNotInRoutingTable(node, other.Claimed) : other.Claimed[^1];
            if (peer < 0) continue;
            (busiest, given) = (other, peer);
        }
        if (busiest is null) return -1;
        busiest.Claimed.RemoveAt(busiest.Claimed.LastIndexOf(given));
        v2.ReleaseSlot(SimSubsystems.Dht, new PeerKey(given), now);
        return !makeRoom || LeaveBursts(node, lookup.Session, given, v2, now) ? given : -1;
    }

    // The peer leaves the bursts of the node's running lookups that asked it; true when that closed its connection.
    private bool LeaveBursts(int node, int session, int peer, ConnectionManagerPolicy v2, long now)
    {
        _released.Clear();
        for (int s = _firstLookupOf[node]; s >= 0; s = _lookups[s].NextOfNode)
        {
            var other = _lookups[s];
            if (other.HasBurst && other.Session == session && other.Peers.Contains(peer)) v2.LeaveBurst(other.Burst, new PeerKey(peer), now, _released);
        }
        if (_released.Count == 0) return false;
        CloseReleased(node);
        return true;
    }

    private int LastNotInRoutingTable(int node, List<int> peers)
    {
        for (int c = peers.Count - 1; c >= 0; c--)
        {
            if (!InRoutingTable(node, peers[c])) return peers[c];
        }
        return -1;
    }

    private void Link(int node, int slot)
    {
        var lookup = _lookups[slot];
        lookup.PreviousOfNode = -1;
        lookup.NextOfNode = _firstLookupOf[node];
        if (lookup.NextOfNode >= 0) _lookups[lookup.NextOfNode].PreviousOfNode = slot;
        _firstLookupOf[node] = slot;
    }

    private void Unlink(int node, int slot)
    {
        var lookup = _lookups[slot];
        if (lookup.PreviousOfNode >= 0) _lookups[lookup.PreviousOfNode].NextOfNode = lookup.NextOfNode;
        else _firstLookupOf[node] = lookup.NextOfNode;
        if (lookup.NextOfNode >= 0) _lookups[lookup.NextOfNode].PreviousOfNode = lookup.PreviousOfNode;
    }

    private int NewLookupSlot()
    {
        _lookups.Add(new LookupInFlight());
        return _lookups.Count - 1;
    }

    /// <summary>
    /// One query: slot, dial (if not connected), answer. Returns its duration; <paramref name="dialled"/>: it opened a connection;
    /// <paramref name="held"/>: the own-trim hold refused it (never when <paramref name="passHold"/>).
    /// </summary>
    private double Query(int node, int peer, LookupInFlight lookup, bool passHold, out bool ok, out bool dialled, out bool held)
    {
        ok = false;
        dialled = false;
        held = false;
        var nodes = _ctx.Nodes;
        var metrics = _ctx.Metrics;
        long now = _ctx.Now;
        double rtt = nodes.RttMs(node, peer);
        bool connected = _ctx.Links.Connected(node, peer);
        if (!connected && _connector.HeldAfterOwnTrim(node, peer, now, closestForLookup: passHold))
        {
            // Trimmed by this node lately: refused before any dial (online or not); the query goes to another candidate.
            metrics.DialsHeldAfterOwnTrim++;
            held = true;
            return 0;
        }
        if (!nodes.Online[peer])
        {
            // A stale routing-table entry: the dial times out (and holds a router entry meanwhile).
            _connector.Connect(node, peer, passOwnTrimHold: passHold);
            return _ctx.Scenario.DialTimeoutMs;
        }
        // As the node: only a query that needs a new connection asks for a dht slot, held until the lookup ends.
        bool claimed = false;
        if (!connected && _engines.QuotasOn && _engines.V2(node) is { } v2)
        {
            var slot = v2.RequestSlot(SimSubsystems.Dht, new PeerKey(peer), now);
            int givenAtMaximum = -1;
            for (SlotOutcome? givenFor = null; !slot.IsGranted && LookupSlotSharing.MayAskToShare(slot.Outcome, givenFor)
                && (givenFor is null || _engines.Variant.RoomAfterSharedSlot) && TakeSlotFor(slot.Outcome, node, lookup, v2, now, ref givenAtMaximum);)
            {
                givenFor = slot.Outcome;
                slot = v2.RequestSlot(SimSubsystems.Dht, new PeerKey(peer), now);
            }
            if (!slot.IsGranted)
            {
                metrics.DhtStarvations++;
                return 0;
            }
            if (slot.HasVictim && _ctx.Links.Connected(node, slot.Victim.Value))
            {
                _connector.CloseByPolicy(node, slot.Victim.Value, CloseReason.Reclaim);
                metrics.ReclaimCloses++;
            }
            claimed = true;
        }
        var outcome = _connector.Connect(node, peer, passOwnTrimHold: passHold);
        if (!Connector.IsUp(outcome))
        {
            if (claimed) _engines.ExistingV2(node)?.ReleaseSlot(SimSubsystems.Dht, new PeerKey(peer), now);
            if (outcome is DialOutcome.LocalRefused) metrics.DhtStarvations++;
            return outcome is DialOutcome.LocalRouterFull or DialOutcome.RemoteRouterFull ? _ctx.Scenario.DialTimeoutMs
                : outcome is DialOutcome.SkippedForBye or DialOutcome.HeldAfterOwnTrim or DialOutcome.LocalSiteFull ? 0 : rtt;
        }
        ok = true;
        dialled = !connected;
        int i = _ctx.Links.IndexOf(node, peer);
        _ctx.Links.FlagsAt(node, i) |= LinkFlags.InQuery;
        _ctx.Links.MarkUseful(node, i, now);
        metrics.UsefulMessages++;
        StreamCounts.Update(_engines, _ctx.Links, node, peer);
        lookup.Peers.Add(peer);
        if (claimed) lookup.Claimed.Add(peer);
        var engine = _engines.Of(node);
        if (lookup.HasBurst && engine is Policy.Engine.ConnectionManagerPolicy burstOwner) burstOwner.Enlist(lookup.Burst, new PeerKey(peer));
        StreamSignals.Opened(_engines, node, peer, now);
        engine.RecordSignal(new PeerKey(peer), UsefulnessSignal.SuccessfulQuery, 1, now);
        // A new connection costs TCP + Noise + multistream (about two round trips) before the query's own.
        return (connected ? 1 : 3) * rtt;
    }

    /// <summary>A <see cref="EventKind.BurstEnd"/> event: the lookup's query streams close and its burst ends.</summary>
    public void End(int slot)
    {
        var lookup = _lookups[slot];
        _freeLookups.Push(slot);
        int node = lookup.Node;
        Unlink(node, slot);
        if (!_ctx.IsCurrent(node, lookup.Session)) return;
        var v2 = _engines.ExistingV2(node);
        long now = _ctx.Now;
        foreach (int peer in lookup.Peers)
        {
            int i = _ctx.Links.IndexOf(node, peer);
            if (i >= 0)
            {
                _ctx.Links.FlagsAt(node, i) &= ~LinkFlags.InQuery;
                StreamCounts.Update(_engines, _ctx.Links, node, peer);
            }
        }
        if (v2 is not null) foreach (int peer in lookup.Claimed) v2.ReleaseSlot(SimSubsystems.Dht, new PeerKey(peer), now);
        if (lookup.HasBurst && v2 is not null)
        {
            _released.Clear();
            v2.EndBurst(lookup.Burst, now, _released);
            CloseReleased(node);
        }
        _regulator.Queue(node);
    }

    // The connections a burst let go of (at its end or early) that it opened and nothing else uses.
    private void CloseReleased(int node)
    {
        foreach (var peer in _released)
        {
            if (!_ctx.Links.Connected(node, peer.Value)) throw new InvalidOperationException($"node {node} released {peer.Value}, which it is not connected to");
            _connector.CloseByPolicy(node, peer.Value, CloseReason.Released);
            _ctx.Metrics.BurstReleases++;
        }
    }
}
