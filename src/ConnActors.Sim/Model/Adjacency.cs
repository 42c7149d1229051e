namespace ConnActors.Sim.Model;

/// <summary>Flags of one end of a connection.</summary>
[Flags]
internal enum LinkFlags : byte
{
    None = 0,
    /// <summary>This end dialed.</summary>
    Outbound = 1,
    /// <summary>The two ends are gossipsub mesh peers.</summary>
    Mesh = 2,
    /// <summary>This end holds an open stream of a running DHT query on it.</summary>
    InQuery = 4,
}

/// <summary>
/// Who is connected to whom: per node, a packed array of neighbours and a parallel array of flags (no
/// object per connection). A pair of nodes has at most one connection.
/// </summary>
internal sealed class Adjacency
{
    private static readonly int[] NoNeighbours = [];
    private static readonly LinkFlags[] NoFlags = [];
    private readonly int[][] _neighbours;
    private readonly LinkFlags[][] _flags;
    private readonly int[] _degree;

    public Adjacency(int nodes)
    {
        _neighbours = new int[nodes][];
        _flags = new LinkFlags[nodes][];
        _degree = new int[nodes];
        Array.Fill(_neighbours, NoNeighbours);
        Array.Fill(_flags, NoFlags);
    }

    public int Degree(int node) => _degree[node];

    public ReadOnlySpan<int> Neighbours(int node) => _neighbours[node].AsSpan(0, _degree[node]);

    public int IndexOf(int node, int neighbour) => Neighbours(node).IndexOf(neighbour);

    public bool Connected(int a, int b) => _degree[a] <= _degree[b] ? IndexOf(a, b) >= 0 : IndexOf(b, a) >= 0;

    public ref LinkFlags FlagsAt(int node, int index) => ref _flags[node][index];

    public void Add(int node, int neighbour, LinkFlags flags)
    {
        int d = _degree[node];
        if (d == _neighbours[node].Length)
        {
            int size = Math.Max(4, d * 2);
            Array.Resize(ref _neighbours[node], size);
            Array.Resize(ref _flags[node], size);
        }
        _neighbours[node][d] = neighbour;
        _flags[node][d] = flags;
        _degree[node] = d + 1;
    }

    /// <summary>Removes the link at <paramref name="index"/> (swap with the last); returns its flags.</summary>
    public LinkFlags RemoveAt(int node, int index)
    {
        int last = --_degree[node];
        var flags = _flags[node][index];
        _neighbours[node][index] = _neighbours[node][last];
        _flags[node][index] = _flags[node][last];
        if (last == 0)
        {
            _neighbours[node] = NoNeighbours;
            _flags[node] = NoFlags;
        }
        return flags;
    }
}
