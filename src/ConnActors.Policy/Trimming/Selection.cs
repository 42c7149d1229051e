namespace ConnActors.Policy.Trimming;

/// <summary>
/// A candidate's place in a round's order (its order, then its peer key) and its index among the round's
/// candidates: what a round sorts.
/// </summary>
internal readonly record struct CandidateRank(double Order, int Peer, int Index) : IComparable<CandidateRank>
{
    public int CompareTo(CandidateRank other)
    {
        int byOrder = Order.CompareTo(other.Order);
        return byOrder != 0 ? byOrder : Peer.CompareTo(other.Peer);
    }
}

/// <summary>Partial selection: moves the <c>k</c> smallest items to the front in expected O(n).</summary>
internal static class Selection
{
    public static void SmallestToFront<T>(Span<T> items, int k) where T : IComparable<T>
    {
        if (k <= 0 || k >= items.Length) return;
        int left = 0, right = items.Length - 1;
        uint state = 2463534242u;
        while (left < right)
        {
            // xorshift pivot choice: deterministic yet not defeated by sorted input.
            state ^= state << 13; state ^= state >> 17; state ^= state << 5;
            int pivotIndex = left + (int)(state % (uint)(right - left + 1));
            int split = Partition(items, left, right, pivotIndex);
            if (split == k) return;
            if (split < k) left = split + 1; else right = split - 1;
        }
    }

    private static int Partition<T>(Span<T> items, int left, int right, int pivotIndex) where T : IComparable<T>
    {
        T pivot = items[pivotIndex];
        (items[pivotIndex], items[right]) = (items[right], items[pivotIndex]);
        int store = left;
        for (int i = left; i < right; i++)
        {
            if (items[i].CompareTo(pivot) < 0)
            {
                (items[i], items[store]) = (items[store], items[i]);
                store++;
            }
        }
        (items[store], items[right]) = (items[right], items[store]);
        return store;
    }
}
