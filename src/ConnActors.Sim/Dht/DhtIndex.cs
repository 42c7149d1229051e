using System.Numerics;
using ConnActors.Sim.Model;

namespace ConnActors.Sim.Dht;

/// <summary>
/// The Kademlia keyspace of the DHT servers (reachable nodes), sorted by 64-bit ID. Routing tables are
/// implicit, so they cost no memory: node y's bucket for a key t holds the servers whose IDs share
/// y's first cpl(y, t) bits and differ at the next one, i.e. one contiguous range of the sorted IDs; a
/// bucket with more than k members holds k of them picked by a stable hash of (y, bucket, slot). A
/// picked member that is offline is replaced by another pick up to <see cref="RefreshTries"/> times
/// (routing-table refresh), after which the stale entry stays and a query to it times out.
/// </summary>
internal sealed class DhtIndex
{
    public const int RefreshTries = 3;
    // The first index of each top-PrefixBits prefix of the sorted IDs: a bucket's range is then found with two
    // reads, or a search among the few IDs of one prefix, instead of two binary searches over all the IDs.
    private const int PrefixBits = 16;
    private readonly ulong[] _ids;
    private readonly int[] _nodeOf;
    private readonly int[] _prefixStart;
    private readonly ulong _seed;

    public DhtIndex(NodeTable nodes, ulong seed)
    {
        _seed = seed;
        var servers = new List<int>();
        for (int i = 0; i < nodes.Count; i++) if (!nodes.Unreachable[i]) servers.Add(i);
        _nodeOf = servers.ToArray();
        _ids = new ulong[_nodeOf.Length];
        for (int i = 0; i < _nodeOf.Length; i++) _ids[i] = nodes.DhtId[_nodeOf[i]];
        Array.Sort(_ids, _nodeOf);
        _prefixStart = new int[(1 << PrefixBits) + 1];
        int at = 0;
        for (int prefix = 0; prefix <= 1 << PrefixBits; prefix++)
        {
            while (at < _ids.Length && (int)(_ids[at] >> (64 - PrefixBits)) < prefix) at++;
            _prefixStart[prefix] = at;
        }
    }

    public int Servers => _ids.Length;

    /// <summary>
    /// Fills <paramref name="result"/> with up to k entries of <paramref name="selfId"/>'s routing
    /// table closest to <paramref name="target"/>; returns how many.
    /// </summary>
    public int ClosestKnown(int self, ulong selfId, ulong target, bool[] online, Span<int> result)
    {
        int k = result.Length;
        int cpl = selfId == target ? 64 : BitOperations.LeadingZeroCount(selfId ^ target);
        // The bucket: IDs sharing target's first cpl+1 bits. A full bucket holds k sampled members.
        int bits = Math.Min(64, cpl + 1);
        var (lo, hi) = Range(target, bits);
        if (hi - lo > k) return Sample(self, bits, lo, hi, online, result);
        // Fewer than k there: the nearest buckets of the node's own region complete the answer. A region
        // of up to 4k IDs is known in full; a larger one by samples.
        while (hi - lo < k && bits > 0) (lo, hi) = Range(target, --bits);
        if (hi - lo > 4 * k) return Sample(self, bits, lo, hi, online, result);
        return ClosestInRange(self, target, lo, hi, online, result);
    }

    /// <summary>
    /// True when <paramref name="peer"/> is a server in <paramref name="self"/>'s routing table now: its
    /// bucket (the IDs sharing cpl(self, peer) + 1 leading bits with the peer) is known in full when it
    /// has at most k members, else holds the k members <see cref="ClosestKnown"/> samples.
    /// </summary>
    public bool InRoutingTable(int self, ulong selfId, int peer, ulong peerId, bool[] online, int k)
    {
        if (peer == self || selfId == peerId) return false;
        int bits = Math.Min(64, BitOperations.LeadingZeroCount(selfId ^ peerId) + 1);
        var (lo, hi) = Range(peerId, bits);
        if (hi - lo <= k) return Array.BinarySearch(_ids, lo, hi - lo, peerId) >= 0;
        for (int slot = 0; slot < k; slot++)
        {
            int pick = -1;
            for (int attempt = 0; attempt < RefreshTries; attempt++)
            {
                pick = lo + (int)(StableHash.Of(_seed, self * 65L + bits, slot, attempt) % (ulong)(hi - lo));
                if (online[_nodeOf[pick]]) break;
            }
            if (_nodeOf[pick] == peer) return true;
        }
        return false;
    }

    private int Sample(int self, int bucket, int lo, int hi, bool[] online, Span<int> result)
    {
        int n = 0;
        for (int slot = 0; slot < result.Length; slot++)
        {
            int pick = -1;
            for (int attempt = 0; attempt < RefreshTries; attempt++)
            {
                pick = lo + (int)(StableHash.Of(_seed, self * 65L + bucket, slot, attempt) % (ulong)(hi - lo));
                if (online[_nodeOf[pick]]) break;
            }
            int node = _nodeOf[pick];
            if (node == self || result[..n].Contains(node)) continue;
            result[n++] = node;
        }
        return n;
    }

    private int ClosestInRange(int self, ulong target, int lo, int hi, bool[] online, Span<int> result)
    {
        Span<ulong> distances = stackalloc ulong[hi - lo];
        Span<int> nodes = stackalloc int[hi - lo];
        int m = 0;
        for (int i = lo; i < hi; i++)
        {
            int node = _nodeOf[i];
            if (node == self || !online[node]) continue;
            distances[m] = _ids[i] ^ target;
            nodes[m++] = node;
        }
        distances[..m].Sort(nodes[..m]);
        int n = Math.Min(m, result.Length);
        nodes[..n].CopyTo(result);
        return n;
    }

    /// <summary>
    /// The online server XOR-closest to <paramref name="target"/> other than <paramref name="except"/> (scanning a
    /// window of the sorted IDs), or -1.
    /// </summary>
    public int ClosestOnline(ulong target, bool[] online, int except = -1)
    {
        int pos = Array.BinarySearch(_ids, target);
        if (pos < 0) pos = ~pos;
        int best = -1;
        ulong bestDistance = ulong.MaxValue;
        for (int i = Math.Max(0, pos - 64); i < Math.Min(_ids.Length, pos + 64); i++)
        {
            if (!online[_nodeOf[i]] || _nodeOf[i] == except) continue;
            ulong d = _ids[i] ^ target;
            if (d < bestDistance) { bestDistance = d; best = _nodeOf[i]; }
        }
        return best;
    }

    private (int Lo, int Hi) Range(ulong target, int prefixBits)
    {
        if (prefixBits <= 0) return (0, _ids.Length);
        if (prefixBits >= 64) prefixBits = 64;
        if (prefixBits <= PrefixBits)
        {
            int first = (int)(target >> (64 - prefixBits)) << (PrefixBits - prefixBits);
            return (_prefixStart[first], _prefixStart[first + (1 << (PrefixBits - prefixBits))]);
        }
        ulong mask = prefixBits == 64 ? ulong.MaxValue : ~(ulong.MaxValue >> prefixBits);
        ulong low = target & mask, high = low | ~mask;
        // Both ends share target's first PrefixBits bits: the range lies among the IDs of that prefix.
        int prefix = (int)(target >> (64 - PrefixBits));
        int lo = _prefixStart[prefix], hi = _prefixStart[prefix + 1];
        return (LowerBound(low, lo, hi), UpperBound(high, lo, hi));
    }

    private int LowerBound(ulong value, int lo, int hi)
    {
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ids[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private int UpperBound(ulong value, int lo, int hi)
    {
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ids[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
