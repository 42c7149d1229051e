using ConnActors.Sim.Connections;
using CsCheck;

namespace ConnActors.Sim.Tests;

/// <summary>The trim history's open-addressing table answers as the plain map of directed closes it replaced.</summary>
public class TrimHistoryTests
{
    private const long Window = Connector.RedialWindowMs;

    // The reference: one record per (closer, closed), overwritten by a later close, dropped by a purge once expired.
    private sealed class Reference
    {
        private readonly Dictionary<(int, int), (long At, long? Bye, bool Trim, bool EndOfBurst)> _closes = new();

        public void Record(int closer, int closed, long now, bool trim, long? bye, bool endOfBurst) =>
            _closes[(closer, closed)] = (now, bye is { } b ? Math.Clamp(b, 0, int.MaxValue) : null, trim, endOfBurst || !trim);

        public ClosedPair? ClosedBy(int closer, int closed, long now) =>
            _closes.TryGetValue((closer, closed), out var c) && now - c.At < Math.Max(Window, c.Bye ?? -1)
                ? new ClosedPair(c.At, c.Trim, c.Bye, c.EndOfBurst) : null;

        public void Purge(long now)
        {
            foreach (var (key, c) in _closes.ToList()) if (now - c.At >= Math.Max(Window, c.Bye ?? -1)) _closes.Remove(key);
        }

        public int Count => _closes.Count;
    }

    [Fact]
    public void Closes_still_kept_survive_the_rebuild_that_drops_expired_ones_in_place()
    {
        // Many pairs (beyond the property test's few nodes) so that probe runs are long and wrap the table's end.
        var history = new TrimHistory();
        var reference = new Reference();
        var random = new Random(7);
        var recorded = new List<(int, int)>();
        long now = 0;
        for (int round = 0; round < 40; round++)
        {
            now += 20_000;
            for (int k = 0; k < 3_000; k++)
            {
                int a = random.Next(5_000), b = random.Next(5_000);
                if (a == b) continue;
                long? bye = random.Next(4) == 0 ? random.Next(200_000) : null;
                history.Record(a, b, now, trim: k % 3 != 0, bye);
                reference.Record(a, b, now, trim: k % 3 != 0, bye, endOfBurst: false);
                recorded.Add((a, b));
            }
            for (int k = 0; k < 3_000; k++)
            {
                var (a, b) = recorded[random.Next(recorded.Count)];
                Assert.Equal(reference.ClosedBy(a, b, now), history.ClosedBy(a, b, now, Window));
            }
        }
        history.Purge(now, Window);
        reference.Purge(now);
        Assert.Equal(reference.Count, history.Count);
    }

    [Fact]
    public void The_history_agrees_with_a_map_of_directed_closes_through_growth_purges_and_reuse() =>
        // Few nodes: pairs recur in both directions; time steps cross the purge minute and the windows.
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 20_000], Gen.OneOf(Gen.Const((long?)null), Gen.Long[0, 200_000].Select(b => (long?)b)))
            .Array[1, 2_000].Sample(ops =>
        {
            var history = new TrimHistory();
            var reference = new Reference();
            long now = 0;
            foreach (var (code, a, b, step, bye) in ops)
            {
                if (a == b) continue;
                now += step;
                switch (code)
                {
                    case < 5:
                        // Record also purges by itself once a simulated minute: that drops only closes ClosedBy no longer reports.
                        history.Record(a, b, now, trim: code % 2 == 0, bye, endOfBurst: code == 4);
                        reference.Record(a, b, now, trim: code % 2 == 0, bye, endOfBurst: code == 4);
                        break;
                    case 5:
                        history.Purge(now, Window);
                        reference.Purge(now);
                        Assert.Equal(reference.Count, history.Count);
                        break;
                    default:
                        Assert.Equal(reference.ClosedBy(a, b, now), history.ClosedBy(a, b, now, Window));
                        Assert.Equal(reference.ClosedBy(b, a, now), history.ClosedBy(b, a, now, Window));
                        break;
                }
            }
        });
}
