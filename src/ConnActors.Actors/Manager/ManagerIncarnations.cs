using ConnActors.Libp2p.Host;

namespace ConnActors.Actors.Manager;

/// <summary>
/// What outlives a restart of the ConnectionManager actor (its Props hold this one object): the host it
/// governs, the router entries of its ended connections still lingering in its router, and when it restarted
/// lately, so a manager that keeps failing stops instead of looping.
/// </summary>
public sealed class ManagerIncarnations
{
    private readonly Queue<long> _restarts = new();

    internal Libp2pHost? Host { get; set; }

    internal Ledger.RouterEntryMemory RouterEntries { get; } = new();

    /// <summary>Records a restart at <paramref name="nowMs"/>; false when there were more than <paramref name="max"/> within <paramref name="windowMs"/>.</summary>
    internal bool MayRestart(long nowMs, int max, long windowMs)
    {
        _restarts.Enqueue(nowMs);
        while (_restarts.Count > 0 && _restarts.Peek() <= nowMs - windowMs) _restarts.Dequeue();
        return _restarts.Count <= max;
    }
}
