using ConnActors.Actors.Ledger;
using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>
/// A node alone behind its router (<c>connactors.limits.router-entries</c>): whatever the host does, the entries the
/// node starts or accepts (its records plus the ends still lingering) never exceed its router entries. What may go
/// beyond them is only the reset entries of inbound attempts the gate refused: the router took each one when the
/// socket was accepted, before the gate could refuse it (the same holds for a site member's share).
/// </summary>
public class RouterEntriesProperties
{
    private const int Budget = 20;

    private const string Behind = """
        connactors.libp2p.reset-on-close = {0}
        connactors.limits { hard-cap = 24, router-entries = 20, max-pending-handshakes = 6, subnets { max-per-ipv4 = 3, inbound-burst = 100, inbound-rate = 100 } }
        connactors.regulation { grace-period = 0s, emergency-target = 0.1 }
        connactors.limits { router-entry-linger = 10m, router-reset-linger = 1m }
        """;

    private static readonly Gen<LedgerOp> AnyOp =
        Gen.Select(Gen.Int[0, LedgerOp.Codes - 1], Gen.Int[0, 10_000], Gen.Int[0, 10_000], (code, a, b) => new LedgerOp(code, a, b));

    // With reset-on-close, a closed connection lingers for the reset linger, and still counts as one the node started.
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public void The_entries_a_lone_node_starts_never_exceed_its_router_entries_and_no_step_adds_more_than_the_room_it_began_with(string resetOnClose)
    {
        long refused = 0, atBudget = 0, expired = 0;
        AnyOp.Array[1, 400].Sample(ops =>
        {
            var driver = new LedgerDriver(Behind.Replace("{0}", resetOnClose));
            var ledger = driver.Ledger;
            ledger.BehindRouter(Budget, driver.Now);
            Assert.Equal(RouterEntryBudget.HardCapFor(Budget, 24), ledger.HardCap);
            int peak = 0;
            foreach (var op in ops)
            {
                int held = ledger.RouterEntries(driver.Now)!.Value, records = ledger.Connections.Count;
                driver.Apply(op);
                int heldAfter = ledger.RouterEntries(driver.Now)!.Value;
                int started = heldAfter - ledger.ResetEntries(driver.Now);
                Assert.True(started <= Budget, $"{started} entries started or accepted (of {heldAfter} held) above the budget of {Budget}");
                if (op.Code != 10) // at one instant, each new record needed a free entry, and entries held only grow
                    Assert.True(ledger.Connections.Count - records <= Math.Max(0, Budget - held),
                        $"{ledger.Connections.Count - records} records added with {held} of {Budget} entries held");
                else if (heldAfter < held) expired++;
                Assert.Equal(RouterEntryBudget.HardCapFor(Budget, 24), ledger.HardCap);
                peak = Math.Max(peak, started);
            }
            if (peak == Budget) atBudget++;
            refused += ledger.Counters.Refusals.GetValueOrDefault(LedgerCounters.RouterEntriesFull);
            driver.EndAll();
            Assert.Equal(0, ledger.Connections.Count);
        }, iter: 300);
        // The sequences must fill the router, be refused there, and see entries stop lingering, or the property says little.
        Assert.True(atBudget > 30 && refused > 300 && expired > 100, $"{atBudget} sequences reached the budget, {refused} refusals for router entries, {expired} time steps freed entries");
    }
}
