namespace ConnActors.Sim.Model;

/// <summary>
/// Home routers' connection-tracking tables: every open connection, dial attempt and recently closed
/// or failed connection of the nodes behind a router holds one entry; a full table drops new ones.
/// </summary>
internal sealed class RouterTable
{
    private int[] _capacity = new int[16];
    private int[] _used = new int[16];
    private bool[] _overflowed = new bool[16];

    public int Count { get; private set; }

    public int Add(int capacity)
    {
        if (Count == _capacity.Length)
        {
            Array.Resize(ref _capacity, Count * 2);
            Array.Resize(ref _used, Count * 2);
            Array.Resize(ref _overflowed, Count * 2);
        }
        _capacity[Count] = capacity;
        return Count++;
    }

    public int Capacity(int router) => _capacity[router];

    public int Used(int router) => _used[router];

    /// <summary>Routers whose table was full at least once when a new entry was needed.</summary>
    public int OverflowedCount { get; private set; }

    /// <summary>Takes an entry; false (an overflow) when the table is full.</summary>
    public bool TryTake(int router)
    {
        if (_used[router] >= _capacity[router])
        {
            if (!_overflowed[router]) OverflowedCount++;
            _overflowed[router] = true;
            return false;
        }
        _used[router]++;
        return true;
    }

    public void Release(int router)
    {
        if (_used[router] <= 0) throw new InvalidOperationException($"router {router} has no entry to release");
        _used[router]--;
    }
}
