using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// The Kademlia routing table: one bucket per common-prefix length with the local key (a fully unfolded
/// k-bucket tree), each holding at most k peers, least recently seen first. A peer that finds its bucket
/// full waits in that bucket's replacement cache (newest first, bounded); when a member is removed (it
/// failed to answer), the newest replacement takes its place. Not thread-safe: one owner drives it.
/// </summary>
public sealed class RoutingTable
{
    private readonly KadKey _self;
    private readonly PeerId _selfId;
    private readonly int _bucketSize;
    private readonly int _replacementCacheSize;
    private readonly Bucket?[] _buckets = new Bucket?[KadKey.Bits];
    private readonly Dictionary<PeerId, int> _members = new();

    public RoutingTable(PeerId self, int bucketSize = KadProtocol.DefaultK, int replacementCacheSize = KadProtocol.DefaultK)
    {
        if (bucketSize < 1) throw new ArgumentOutOfRangeException(nameof(bucketSize), bucketSize, "a bucket holds at least one peer");
        if (replacementCacheSize < 0) throw new ArgumentOutOfRangeException(nameof(replacementCacheSize), replacementCacheSize, "must not be negative");
        _selfId = self;
        _self = KadKey.FromPeer(self);
        _bucketSize = bucketSize;
        _replacementCacheSize = replacementCacheSize;
    }

    /// <summary>Peers in the buckets (replacements not counted).</summary>
    public int Count => _members.Count;

    /// <summary>The local node's key.</summary>
    public KadKey Self => _self;

    /// <summary>Bucket size (k).</summary>
    public int BucketSize => _bucketSize;

    public bool Contains(PeerId peer) => _members.ContainsKey(peer);

    /// <summary>A member, with the addresses last recorded for it.</summary>
    public KadPeer? Find(PeerId peer) =>
        _members.TryGetValue(peer, out int index) ? _buckets[index]!.Members.Find(e => e.Peer.Id.Equals(peer))!.Peer : null;

    /// <summary>Adds or refreshes a peer seen alive at <paramref name="nowMs"/>.</summary>
    public RoutingUpdate Add(KadPeer peer, long nowMs)
    {
        if (peer.Id.Equals(_selfId)) return RoutingUpdate.Ignored;
        int index = BucketIndex(peer.Key);
        var bucket = _buckets[index] ??= new Bucket();
        if (_members.ContainsKey(peer.Id))
        {
            int at = bucket.Members.FindIndex(e => e.Peer.Id.Equals(peer.Id));
            var entry = bucket.Members[at];
            bucket.Members.RemoveAt(at);
            bucket.Members.Add(entry with { Peer = entry.Peer.WithAddresses(peer.Addresses), LastSeenMs = nowMs });
            return RoutingUpdate.Updated;
        }
        if (bucket.Members.Count < _bucketSize)
        {
            bucket.Replacements.RemoveAll(p => p.Id.Equals(peer.Id));
            bucket.Members.Add(new RoutingEntry(peer, nowMs, nowMs));
            _members[peer.Id] = index;
            return RoutingUpdate.Added;
        }
        if (_replacementCacheSize == 0) return RoutingUpdate.Ignored;
        bucket.Replacements.RemoveAll(p => p.Id.Equals(peer.Id));
        bucket.Replacements.Insert(0, peer);
        if (bucket.Replacements.Count > _replacementCacheSize) bucket.Replacements.RemoveAt(bucket.Replacements.Count - 1);
        return RoutingUpdate.Cached;
    }

    /// <summary>Removes a member (or a cached replacement); the newest replacement of its bucket takes its place.</summary>
    /// <returns>Whether it was a member, and the replacement promoted in its place, if any.</returns>
    public (bool Removed, KadPeer? Promoted) Remove(PeerId peer, long nowMs)
    {
        int index = BucketIndex(KadKey.FromPeer(peer));
        var bucket = _buckets[index];
        if (bucket is null) return (false, null);
        if (!_members.Remove(peer))
        {
            bucket.Replacements.RemoveAll(p => p.Id.Equals(peer));
            return (false, null);
        }
        bucket.Members.RemoveAll(e => e.Peer.Id.Equals(peer));
        if (bucket.Replacements.Count == 0) return (true, null);
        var promoted = bucket.Replacements[0];
        bucket.Replacements.RemoveAt(0);
        bucket.Members.Add(new RoutingEntry(promoted, nowMs, nowMs));
        _members[promoted.Id] = index;
        return (true, promoted);
    }

    /// <summary>Up to <paramref name="count"/> members closest to <paramref name="target"/>, closest first.</summary>
    public IReadOnlyList<KadPeer> Closest(KadKey target, int count, PeerId? exclude = null)
    {
        var all = new List<KadPeer>(_members.Count);
        foreach (var bucket in _buckets)
        {
            if (bucket is null) continue;
            foreach (var entry in bucket.Members)
            {
                if (exclude is null || !entry.Peer.Id.Equals(exclude)) all.Add(entry.Peer);
            }
        }
        all.Sort((a, b) => target.CompareDistance(a.Key, b.Key));
        return all.Count > count ? all.GetRange(0, count) : all;
    }

    /// <summary>The non-empty buckets, nearest (longest shared prefix) last.</summary>
    public IReadOnlyList<BucketView> Buckets()
    {
        var views = new List<BucketView>();
        for (int i = 0; i < _buckets.Length; i++)
        {
            if (_buckets[i] is { } b && (b.Members.Count > 0 || b.Replacements.Count > 0))
                views.Add(new BucketView(i, b.Members.ToList(), b.Replacements.Count));
        }
        return views;
    }

    private int BucketIndex(KadKey key) => Math.Min(_self.CommonPrefixLength(key), KadKey.Bits - 1);

    private sealed class Bucket
    {
        public readonly List<RoutingEntry> Members = new();
        public readonly List<KadPeer> Replacements = new();
    }
}

/// <summary>What <see cref="RoutingTable.Add"/> did.</summary>
public enum RoutingUpdate
{
    /// <summary>The local peer, or a full bucket without a replacement cache.</summary>
    Ignored,

    /// <summary>A new member.</summary>
    Added,

    /// <summary>A member seen again: now the most recently seen of its bucket.</summary>
    Updated,

    /// <summary>Its bucket is full: kept in the replacement cache.</summary>
    Cached,
}

/// <summary>A member of the routing table.</summary>
public sealed record RoutingEntry(KadPeer Peer, long AddedMs, long LastSeenMs);

/// <summary>One bucket: its common-prefix length with the local key, its members and how many replacements wait.</summary>
public sealed record BucketView(int CommonPrefixLength, IReadOnlyList<RoutingEntry> Members, int Replacements);
