namespace ConnActors.Sim.Dht;

/// <summary>
/// How a node's lookups run and end: the stack each policy family stands for. The simulator's lookups are all
/// random-key FIND_NODE walks (GetClosestPeers: routing-table refreshes, the provides' search for the k closest); it has
/// no provider records or peer finds, whose early stops are therefore not modelled (docs/simulator.md).
/// </summary>
internal enum LookupRule
{
    /// <summary>
    /// The node's, the spec's base algorithm (ConnActors <c>KadLookup.IsConverged</c>): alpha queries in flight, done when
    /// the k closest found that did not fail have all answered.
    /// </summary>
    Spec,

    /// <summary>
    /// go-libp2p-kad-dht's <c>runLookupWithFollowup</c> (query.go): the query ends when the beta (resiliency, 3) closest
    /// found have answered (<c>isLookupTermination</c>), then every peer of the top k not unreachable that is still only
    /// heard of (or waited on) is queried once, all at once, and the lookup waits for all of them; their answers add no
    /// candidates. GetClosestPeers (so Provide and PutValue) and routing-table refreshes run it to the end.
    /// </summary>
    GoFollowUp,

    /// <summary>go's query without its follow-up: the simulator's model of go-libp2p before 30 Nov 2026 (an ablation).</summary>
    GoNoFollowUp,

    /// <summary>
    /// js-libp2p <c>@libp2p/kad-dht</c> 16.x (query/manager.ts, query/query-path.ts): the k closest of the routing table,
    /// shuffled, dealt round-robin over d disjoint paths (d = alpha: kad-dht.ts); each path queries its queue closest
    /// first, alpha at a time, and queues a returned peer only if no path has seen it, it is strictly closer to the key
    /// than the peer that named it, and it could still enter the path's k closest responders; a path ends when its queue
    /// is empty, the lookup when every path has. There is no resiliency rule.
    /// </summary>
    JsPaths,
}
