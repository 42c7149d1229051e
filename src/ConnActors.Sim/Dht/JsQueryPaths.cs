namespace ConnActors.Sim.Dht;

/// <summary>
/// The state of one js-libp2p-style lookup (<see cref="LookupRule.JsPaths"/>): per disjoint path a queue of peers to
/// query, closest to the key first, and the path's closest responders (at most k, the <c>PeerDistanceList</c> that
/// decides whether a peer may still enter it); and the peers any path has seen (js's shared <c>peersSeen</c> filter).
/// Reused from lookup to lookup.
/// </summary>
internal sealed class JsQueryPaths
{
    private readonly List<Queued>[] _queues;
    private readonly List<ulong>[] _responders;
    private readonly HashSet<int> _seen = new();
    private int _k;

    public JsQueryPaths(int maxPaths)
    {
        _queues = new List<Queued>[maxPaths];
        _responders = new List<ulong>[maxPaths];
        for (int i = 0; i < maxPaths; i++)
        {
            _queues[i] = new List<Queued>();
            _responders[i] = new List<ulong>();
        }
    }

    public int MaxPaths => _queues.Length;

    public int Paths { get; private set; }

    public void Reset(int paths, int k)
    {
        if (paths < 1 || paths > _queues.Length) throw new ArgumentOutOfRangeException(nameof(paths), paths, $"between 1 and {_queues.Length} paths");
        Paths = paths;
        _k = k;
        _seen.Clear();
        for (int i = 0; i < paths; i++)
        {
            _queues[i].Clear();
            _responders[i].Clear();
        }
    }

    /// <summary>Records that a path is about to queue <paramref name="node"/>; false if some path already has.</summary>
    public bool MarkSeen(int node) => _seen.Add(node);

    public bool HasQueued(int path) => _queues[path].Count > 0;

    /// <summary>Queues <paramref name="node"/> on <paramref name="path"/> (the queue is kept farthest first, so the closest is taken from its end).</summary>
    public void Enqueue(int path, int node, ulong distance, int depth)
    {
        var queue = _queues[path];
        int at = queue.Count;
        while (at > 0 && queue[at - 1].Distance < distance) at--;
        queue.Insert(at, new Queued(node, distance, depth));
    }

    /// <summary>Takes the closest queued peer of <paramref name="path"/>.</summary>
    public bool TryTake(int path, out int node, out ulong distance, out int depth)
    {
        var queue = _queues[path];
        if (queue.Count == 0)
        {
            node = -1;
            distance = 0;
            depth = 0;
            return false;
        }
        var next = queue[^1];
        queue.RemoveAt(queue.Count - 1);
        (node, distance, depth) = (next.Node, next.Distance, next.Depth);
        return true;
    }

    /// <summary>js's <c>canAddKadId</c>: the path has fewer than k responders, or this distance is strictly closer than its farthest.</summary>
    public bool CanAdd(int path, ulong distance)
    {
        var responders = _responders[path];
        return responders.Count < _k || distance < responders[^1];
    }

    /// <summary>A peer of <paramref name="path"/> answered: it enters the path's k closest responders if it can.</summary>
    public void AddResponder(int path, ulong distance)
    {
        if (!CanAdd(path, distance)) return;
        var responders = _responders[path];
        int at = responders.BinarySearch(distance);
        responders.Insert(at < 0 ? ~at : at, distance);
        if (responders.Count > _k) responders.RemoveAt(responders.Count - 1);
    }

    private readonly record struct Queued(int Node, ulong Distance, int Depth);
}
