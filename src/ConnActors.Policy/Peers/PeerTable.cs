namespace ConnActors.Policy.Peers;

/// <summary>
/// Peers indexed by <see cref="PeerKey.Value"/> in one flat array, plus a dense list of the tracked
/// ones so that a trim round walks only peers that matter (O(tracked), not O(ever seen)).
/// A peer is tracked while it has a connection, a pending dial, or a reason to be remembered
/// (friend, protection, lock, tag).
/// </summary>
internal sealed class PeerTable
{
    private PeerEntry[] _entries;
    private int[] _dense;
    private int _denseCount;

    public PeerTable(int initialCapacity = 256)
    {
        _entries = new PeerEntry[Math.Max(16, initialCapacity)];
        _dense = new int[Math.Max(16, initialCapacity)];
    }

    public int TrackedCount => _denseCount;

    /// <summary>Bytes held by the index per slot (entry plus dense slot), for the memory target.</summary>
    public static int BytesPerPeer => System.Runtime.CompilerServices.Unsafe.SizeOf<PeerEntry>() + sizeof(int);

    public ReadOnlySpan<int> Tracked => _dense.AsSpan(0, _denseCount);

    /// <summary>The entry of <paramref name="peer"/>, tracking it if it was not.</summary>
    public ref PeerEntry Track(PeerKey peer)
    {
        int id = peer.Value;
        if (id < 0) throw new ArgumentOutOfRangeException(nameof(peer), "peer keys are non-negative");
        if (id >= _entries.Length) Array.Resize(ref _entries, Math.Max(id + 1, _entries.Length * 2));
        ref var entry = ref _entries[id];
        if (!entry.IsTracked)
        {
            entry = default;
            entry.IsTracked = true;
            if (_denseCount == _dense.Length) Array.Resize(ref _dense, _dense.Length * 2);
            entry.DenseIndex = _denseCount;
            _dense[_denseCount++] = id;
        }
        return ref entry;
    }

    /// <summary>The entry of <paramref name="peer"/>, or a reference to an untracked default.</summary>
    public ref PeerEntry Get(PeerKey peer)
    {
        int id = peer.Value;
        if ((uint)id >= (uint)_entries.Length) return ref System.Runtime.CompilerServices.Unsafe.NullRef<PeerEntry>();
        ref var entry = ref _entries[id];
        if (!entry.IsTracked) return ref System.Runtime.CompilerServices.Unsafe.NullRef<PeerEntry>();
        return ref entry;
    }

    public ref PeerEntry At(int id) => ref _entries[id];

    public bool IsTracked(PeerKey peer) => (uint)peer.Value < (uint)_entries.Length && _entries[peer.Value].IsTracked;

    /// <summary>Forgets the peer when nothing about it needs remembering.</summary>
    public void ForgetIfIdle(PeerKey peer, long nowMs)
    {
        ref var entry = ref Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return;
        if (entry.IsConnected || entry.PendingOutbound > 0 || entry.IsFriend || entry.IsProtected || entry.TagSum != 0
            || entry.ActiveBursts > 0 || entry.LockedUntilMs > nowMs) return;
        int last = _dense[--_denseCount];
        _dense[entry.DenseIndex] = last;
        _entries[last].DenseIndex = entry.DenseIndex;
        entry = default;
    }
}
