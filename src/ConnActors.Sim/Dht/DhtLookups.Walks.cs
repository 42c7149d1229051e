namespace ConnActors.Sim.Dht;

// The walks of a lookup through the DHT, one per LookupRule: the spec's and go's (iterative, go with its follow-up), and
// js-libp2p's (disjoint paths).
internal sealed partial class DhtLookups
{
    private readonly LookupCandidates _candidates = new();
    private readonly JsQueryPaths _paths = new(maxPaths: 32);

    /// <summary>What a lookup's walk gave: its simulated duration and its closest answering peer (or -1) with that peer's hop.</summary>
    private readonly record struct Walk(double LatencyMs, int BestNode, int BestDepth);

    // The spec's and go's lookups: rounds of alpha queries to the closest candidates not yet asked, until the
    // closest `resiliency` have answered; go's then asks, all at once, the top k it only heard of (its follow-up).
    private Walk RunIterative(int node, ulong target, LookupInFlight lookup, LookupRule rule, ref int queries, ref int opened)
    {
        var s = _ctx.Scenario;
        var nodes = _ctx.Nodes;
        var candidates = _candidates;
        candidates.Clear();
        Span<int> known = stackalloc int[s.BucketSize];
        int n = Index.ClosestKnown(node, nodes.DhtId[node], target, nodes.Online, known);
        for (int i = 0; i < n; i++) candidates.Add(known[i], nodes.DhtId[known[i]] ^ target, depth: 1);

        double latencyMs = 0;
        int resiliency = rule == LookupRule.Spec ? s.BucketSize : s.Resiliency;
        var slowRule = _slowQueries?[node];
        int window = rule == LookupRule.Spec ? s.BucketSize : int.MaxValue;
        bool followUp = rule == LookupRule.Spec && _engines.Variant.SpecFollowUp;
        // v2, as the node (KadLookup): a walk that would end with a held candidate among the closest answers asks it past the hold.
        int passHoldAmong = rule == LookupRule.Spec ? _engines.Variant.PassHoldAmongClosest : 0;
        for (int round = 0; round < MaxRounds; round++)
        {
            if (candidates.Converged(resiliency) && (passHoldAmong == 0 || candidates.ReviveNeededHeld(passHoldAmong) == 0)) break;
            double slowestOk = 0, slowestFailed = 0;
            bool anyOk = false;
            // v2, as the node (KadLookup): only the k closest that did not fail are asked, alpha at a time until the
            // `resiliency` closest answered, then all of them at once (the follow-up, within the spec's rule).
            int width = followUp && candidates.Converged(s.Resiliency) ? s.BucketSize : s.Alpha;
            for (int asked = 0; asked < width; asked++)
            {
                int c = candidates.NextFresh(window);
                if (c < 0) break;
                int peer = candidates.NodeAt(c);
                double cost = Query(node, peer, lookup, candidates.PassesHold(c), out bool ok, out bool dialled, out bool held);
                queries++;
                if (dialled) opened++;
                if (!ok)
                {
                    if (held) candidates.MarkHeld(c);
                    else candidates.MarkFailed(c);
                    slowestFailed = Math.Max(slowestFailed, cost);
                    continue;
                }
                slowRule?.Answered((long)cost);
                candidates.MarkAnswered(c);
                anyOk = true;
                slowestOk = Math.Max(slowestOk, cost);
                int depth = candidates.DepthAt(c);
                n = Index.ClosestKnown(peer, nodes.DhtId[peer], target, nodes.Online, known);
                for (int i = 0; i < n; i++) if (known[i] != node) candidates.Add(known[i], nodes.DhtId[known[i]] ^ target, depth + 1);
            }
            // The node's slow-query rule: a round whose queries all failed waits at most its time for them. Asked only
            // then: with no answer in the round, the rule's recent answers are those it had when the round began.
            if (!anyOk && slowRule is not null) slowestFailed = Math.Min(slowestFailed, slowRule.SlowAfterMs(s.DialTimeoutMs));
            latencyMs += anyOk ? slowestOk : slowestFailed;
        }
        if (rule == LookupRule.GoFollowUp) latencyMs += FollowUp(node, lookup, ref queries, ref opened);

        int best = candidates.BestAnswered();
        return best < 0 ? new Walk(latencyMs, -1, 0) : new Walk(latencyMs, candidates.NodeAt(best), candidates.DepthAt(best));
    }

    // go's follow-up (query.go, runLookupWithFollowup): every peer of the k closest not unreachable that was only heard of
    // is queried at once; the lookup waits for all of them, and their answers add no candidates.
    private double FollowUp(int node, LookupInFlight lookup, ref int queries, ref int opened)
    {
        var candidates = _candidates;
        double slowest = 0;
        int considered = 0;
        for (int c = 0; c < candidates.Count && considered < _ctx.Scenario.BucketSize; c++)
        {
            if (candidates.IsFailed(c)) continue;
            considered++;
            if (!candidates.IsFresh(c)) continue;
            double cost = Query(node, candidates.NodeAt(c), lookup, passHold: false, out bool ok, out bool dialled, out _);
            queries++;
            if (dialled) opened++;
            slowest = Math.Max(slowest, cost);
            if (ok) candidates.MarkAnswered(c);
            else candidates.MarkFailed(c);
        }
        return slowest;
    }

    // js-libp2p's lookup: disjoint paths sharing one "seen" filter, each querying its own queue alpha at a time, closest
    // first, until the queue is empty. Paths advance round by round, in turn; the lookup lasts as long as its slowest path.
    private Walk RunPaths(int node, ulong target, LookupInFlight lookup, ref int queries, ref int opened)
    {
        var s = _ctx.Scenario;
        var nodes = _ctx.Nodes;
        var paths = _paths;
        Span<int> known = stackalloc int[s.BucketSize];
        int n = Index.ClosestKnown(node, nodes.DhtId[node], target, nodes.Online, known);
        if (n == 0) return new Walk(0, -1, 0);
        // js shuffles the routing table's k closest and deals them round-robin over d = alpha paths (kad-dht.ts: d defaults to alpha).
        for (int i = n - 1; i > 0; i--)
        {
            int j = _ctx.Random.Next(i + 1);
            (known[i], known[j]) = (known[j], known[i]);
        }
        int d = Math.Min(Math.Min(s.Alpha, n), paths.MaxPaths);
        paths.Reset(d, s.BucketSize);
        for (int i = 0; i < n; i++)
        {
            paths.MarkSeen(known[i]);
            paths.Enqueue(i % d, known[i], nodes.DhtId[known[i]] ^ target, depth: 1);
        }

        Span<double> pathMs = stackalloc double[d];
        pathMs.Clear();
        int bestNode = -1, bestDepth = 0;
        ulong bestDistance = ulong.MaxValue;
        bool running = true;
        for (int round = 0; round < MaxRounds && running; round++)
        {
            running = false;
            for (int p = 0; p < d; p++)
            {
                double slowestOk = 0, slowestFailed = 0;
                bool anyOk = false;
                for (int asked = 0; asked < s.Alpha && paths.TryTake(p, out int peer, out ulong distance, out int depth);)
                {
                    // js: "skipping, path converged" — the peer can no longer enter this path's k closest.
                    if (!paths.CanAdd(p, distance)) continue;
                    asked++;
                    double cost = Query(node, peer, lookup, passHold: false, out bool ok, out bool dialled, out _);
                    queries++;
                    if (dialled) opened++;
                    if (!ok)
                    {
                        slowestFailed = Math.Max(slowestFailed, cost);
                        continue;
                    }
                    anyOk = true;
                    slowestOk = Math.Max(slowestOk, cost);
                    paths.AddResponder(p, distance);
                    if (distance < bestDistance) (bestDistance, bestNode, bestDepth) = (distance, peer, depth);
                    n = Index.ClosestKnown(peer, nodes.DhtId[peer], target, nodes.Online, known);
                    for (int i = 0; i < n; i++)
                    {
                        int closer = known[i];
                        ulong closerDistance = nodes.DhtId[closer] ^ target;
                        // Only a peer strictly closer than the one that named it, that could still enter the path's k closest, and that no path has seen.
                        if (closer == node || closerDistance >= distance || !paths.CanAdd(p, closerDistance) || !paths.MarkSeen(closer)) continue;
                        paths.Enqueue(p, closer, closerDistance, depth + 1);
                    }
                }
                pathMs[p] += anyOk ? slowestOk : slowestFailed;
                running |= paths.HasQueued(p);
            }
        }
        double latencyMs = 0;
        foreach (double ms in pathMs) latencyMs = Math.Max(latencyMs, ms);
        return new Walk(latencyMs, bestNode, bestDepth);
    }
}
