using ConnActors.Policy.Admission;
using CsCheck;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// A full pending-handshake table under any mix of subnets: eviction keeps the table at its cap and moves
/// slots only from the subnet holding the most towards one holding at least two fewer.
/// </summary>
public class PendingHandshakeEvictionProperties
{
    private static readonly Gen<(PendingHandshake[] Table, ulong Newcomer)> FullTables =
        Gen.Select(Gen.Select(Gen.ULong[0, 7], Gen.Long[0, 10_000]).Array[1, 64], Gen.ULong[0, 8])
            .Select((entries, newcomer) => (entries.Select(e => new PendingHandshake(e.Item1, e.Item2)).ToArray(), newcomer));

    private static Dictionary<ulong, int> Counts(IEnumerable<PendingHandshake> table) =>
        table.GroupBy(p => p.Subnet).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void A_victim_comes_from_a_subnet_holding_the_most_and_at_least_two_more_than_the_newcomers()
    {
        FullTables.Sample(t =>
        {
            var victim = PendingHandshakeEviction.ChooseVictim(t.Table, t.Newcomer);
            if (victim < 0) return true;
            var counts = Counts(t.Table);
            var victimHolds = counts[t.Table[victim].Subnet];
            return victimHolds == counts.Values.Max() && victimHolds >= counts.GetValueOrDefault(t.Newcomer) + 2;
        });
    }

    [Fact]
    public void The_newcomer_is_refused_only_when_no_subnet_holds_two_more_than_its_own()
    {
        FullTables.Sample(t =>
        {
            var victim = PendingHandshakeEviction.ChooseVictim(t.Table, t.Newcomer);
            var counts = Counts(t.Table);
            var someoneOverShare = counts.Values.Max() >= counts.GetValueOrDefault(t.Newcomer) + 2;
            return (victim >= 0) == someoneOverShare;
        });
    }

    [Fact]
    public void The_victim_is_the_oldest_of_its_subnet()
    {
        FullTables.Sample(t =>
        {
            var victim = PendingHandshakeEviction.ChooseVictim(t.Table, t.Newcomer);
            return victim < 0 || t.Table.Where(p => p.Subnet == t.Table[victim].Subnet).All(p => p.StartedMs >= t.Table[victim].StartedMs);
        });
    }

    [Fact]
    public void A_lone_honest_handshake_gets_a_slot_in_a_flooded_table_and_keeps_it_while_the_flood_goes_on()
    {
        // A table full of one flooding subnet (spread over more subnets of its own), then one honest arrival, then more flood.
        Gen.Select(Gen.Int[2, 64], Gen.Int[1, 4], Gen.Int[0, 3].Array[0, 300]).Sample((cap, floodSubnets, flood) =>
        {
            const ulong honest = 100;
            var table = Enumerable.Range(0, cap).Select(i => new PendingHandshake((ulong)(i % floodSubnets), i)).ToList();
            long now = cap;
            if (cap < 2 * floodSubnets) return true; // no flooding subnet holds two slots: nothing to take back
            var victim = PendingHandshakeEviction.ChooseVictim(table.ToArray(), honest);
            if (victim < 0) return false;
            table[victim] = new PendingHandshake(honest, ++now);
            foreach (var f in flood)
            {
                var arrival = (ulong)(f % floodSubnets);
                victim = PendingHandshakeEviction.ChooseVictim(table.ToArray(), arrival);
                if (victim >= 0) table[victim] = new PendingHandshake(arrival, ++now);
                if (table.Count != cap || !table.Any(p => p.Subnet == honest)) return false;
            }
            return true;
        });
    }

    [Fact]
    public void An_empty_table_or_a_table_of_equals_refuses()
    {
        Assert.Equal(-1, PendingHandshakeEviction.ChooseVictim([], 1));
        Assert.Equal(-1, PendingHandshakeEviction.ChooseVictim([new(1, 0), new(2, 0)], 3));
        Assert.Equal(0, PendingHandshakeEviction.ChooseVictim([new(1, 5), new(1, 7), new(2, 1)], 3));
    }
}
