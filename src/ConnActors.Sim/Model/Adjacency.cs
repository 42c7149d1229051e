namespace ConnActors.Sim.Model;

/// <summary>Flags of one end of a connection.</summary>
[Flags]
internal enum LinkFlags : byte
{
    None = 0,
    /// <summary>This end dialed.</summary>
    Outbound = 1,
    /// <summary>This end holds an open stream of a running DHT query on it.</summary>
    InQuery = 4,
    /// <summary>
    /// The topic slots of this end (<see cref="MeshTopics.Bit"/>) in which the two ends are gossipsub mesh peers: any of
    /// them set, they are mesh peers in some topic.
    /// </summary>
    Mesh = 0xF8,
}

/// <summary>A link's mesh topics as bits of <see cref="LinkFlags.Mesh"/>, one per topic slot of the end.</summary>
internal static class MeshTopics
{
    /// <summary>Most topics a node subscribes to (the bits left in <see cref="LinkFlags"/>).</summary>
    public const int MaxPerNode = 5;

    public static LinkFlags Bit(int slot) => (LinkFlags)(8 << slot);

    public static int Count(LinkFlags flags) => System.Numerics.BitOperations.PopCount((uint)(flags & LinkFlags.Mesh));
}

/// <summary>
/// Who is connected to whom: per node, a packed array of neighbours and parallel arrays of flags and of
/// the last time the neighbour was useful to the node (no object per connection). A pair of nodes has
/// at most one connection.
/// </summary>
internal sealed class Adjacency
{
    private static readonly int[] NoNeighbours = [];
    private static readonly LinkFlags[] NoFlags = [];
    private readonly int[][] _neighbours;
    private readonly LinkFlags[][] _flags;
    // Simulated second + 1 at which the neighbour last delivered something useful to the node; 0 = never.
    private readonly int[][] _usefulStamp;
    private readonly int[] _degree;

    public Adjacency(int nodes)
    {
        _neighbours = new int[nodes][];
        _flags = new LinkFlags[nodes][];
        _usefulStamp = new int[nodes][];
        _degree = new int[nodes];
        Array.Fill(_neighbours, NoNeighbours);
        Array.Fill(_flags, NoFlags);
        Array.Fill(_usefulStamp, NoNeighbours);
    }

    public int Degree(int node) => _degree[node];

    public ReadOnlySpan<int> Neighbours(int node) => _neighbours[node].AsSpan(0, _degree[node]);

    public int IndexOf(int node, int neighbour) => Neighbours(node).IndexOf(neighbour);

    public bool Connected(int a, int b) => _degree[a] <= _degree[b] ? IndexOf(a, b) >= 0 : IndexOf(b, a) >= 0;

    public ref LinkFlags FlagsAt(int node, int index) => ref _flags[node][index];

    /// <summary>The neighbour at <paramref name="index"/> delivered something useful to <paramref name="node"/> now.</summary>
    public void MarkUseful(int node, int index, long nowMs) => _usefulStamp[node][index] = (int)(nowMs / 1000) + 1;

    /// <summary>When the neighbour at <paramref name="index"/> was last useful to <paramref name="node"/> (ms, second resolution), or -1.</summary>
    public long UsefulAtMs(int node, int index) => StampToMs(_usefulStamp[node][index]);
    public void Add(int node, int neighbour, LinkFlags flags)
    {
        int d = _degree[node];
        if (d == _neighbours[node].Length)
        {
            int size = d + Math.Max(4, d / 2);
            Array.Resize(ref _neighbours[node], size);
            Array.Resize(ref _flags[node], size);
            Array.Resize(ref _usefulStamp[node], size);
        }
        _neighbours[node][d] = neighbour;
        _flags[node][d] = flags;
        _usefulStamp[node][d] = 0;
        _degree[node] = d + 1;
    }

    /// <summary>Removes the link at <paramref name="index"/> (swap with the last); returns its flags and when it was last useful (-1: never).</summary>
    public LinkFlags RemoveAt(int node, int index, out long usefulAtMs)
    {
        int last = --_degree[node];
        var flags = _flags[node][index];
        usefulAtMs = StampToMs(_usefulStamp[node][index]);
        _neighbours[node][index] = _neighbours[node][last];
        _flags[node][index] = _flags[node][last];
        _usefulStamp[node][index] = _usefulStamp[node][last];
        if (last == 0)
        {
            _neighbours[node] = NoNeighbours;
            _flags[node] = NoFlags;
            _usefulStamp[node] = NoNeighbours;
        }
        else if (last > 16 && last < _neighbours[node].Length / 2)
        {
            // Trimmed well below its peak: give the slack back (growth by half, shrink below half).
            int size = last + last / 4;
            Array.Resize(ref _neighbours[node], size);
            Array.Resize(ref _flags[node], size);
            Array.Resize(ref _usefulStamp[node], size);
        }
        return flags;
    }

    private static long StampToMs(int stamp) => stamp == 0 ? -1 : (stamp - 1) * 1000L;
}
