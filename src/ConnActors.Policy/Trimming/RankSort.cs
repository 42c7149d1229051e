namespace ConnActors.Policy.Trimming;

/// <summary>
/// Sorts a round's ranks (order, then peer key) in O(n): orders are never negative, so their bit patterns sort as
/// unsigned integers, and an LSD radix sort of those (11-bit digits; a digit every rank shares is skipped) orders
/// them stably; equal orders, then, are sorted by key on their own (usually none: runs of one). Unlike a counting
/// sort over the range of orders, it does not depend on how the orders are spread: scores cluster around the
/// whole-number static parts once the usefulness has decayed, which left most of a 100k round's victims in a few
/// buckets.
/// </summary>
internal static class RankSort
{
    public const int DigitBits = 11, Digits = (64 + DigitBits - 1) / DigitBits, Radix = 1 << DigitBits;
    // Up to this many ranks the library sort is cheaper than clearing the digit counts.
    private const int Few = 256, InsertionMax = 16;

    public static void Sort(Span<CandidateRank> ranks, TrimScratch scratch)
    {
        int n = ranks.Length;
        if (n <= Few)
        {
            ranks.Sort();
            return;
        }
        var counts = scratch.DigitCounts.AsSpan();
        counts.Clear();
        foreach (var r in ranks)
        {
            // A NaN order (never produced by a score) would not sort as its bits do.
            if (double.IsNaN(r.Order) || r.Order < 0)
            {
                ranks.Sort();
                return;
            }
            ulong bits = BitConverter.DoubleToUInt64Bits(r.Order);
            for (int d = 0; d < Digits; d++) counts[d * Radix + (int)((bits >> (d * DigitBits)) & (Radix - 1))]++;
        }
        Span<CandidateRank> from = ranks, to = scratch.SortedRanks.AsSpan(0, n);
        for (int d = 0; d < Digits; d++)
        {
            var digitCounts = counts.Slice(d * Radix, Radix);
            int shift = d * DigitBits;
            if (digitCounts[(int)((BitConverter.DoubleToUInt64Bits(from[0].Order) >> shift) & (Radix - 1))] == n) continue;
            // Counts to starts.
            for (int b = 0, start = 0; b < Radix; b++) (digitCounts[b], start) = (start, start + digitCounts[b]);
            foreach (var r in from) to[digitCounts[(int)((BitConverter.DoubleToUInt64Bits(r.Order) >> shift) & (Radix - 1))]++] = r;
            var swap = from;
            from = to;
            to = swap;
        }
        if (from != ranks) from.CopyTo(ranks);
        SortTiesByKey(ranks);
    }

    private static void SortTiesByKey(Span<CandidateRank> ranks)
    {
        for (int start = 0; start < ranks.Length;)
        {
            int end = start + 1;
            while (end < ranks.Length && ranks[end].Order == ranks[start].Order) end++;
            if (end - start > 1)
            {
                var run = ranks[start..end];
                if (run.Length <= InsertionMax) InsertionSort(run);
                else run.Sort();
            }
            start = end;
        }
    }

    private static void InsertionSort(Span<CandidateRank> items)
    {
        for (int i = 1; i < items.Length; i++)
        {
            var item = items[i];
            int j = i - 1;
            for (; j >= 0 && items[j].CompareTo(item) > 0; j--) items[j + 1] = items[j];
            items[j + 1] = item;
        }
    }
}
