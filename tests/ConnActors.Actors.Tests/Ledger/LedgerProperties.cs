using CsCheck;

namespace ConnActors.Actors.Tests.Ledger;

public class LedgerProperties
{
    private const string Small = """
        connactors.limits { hard-cap = 24, max-pending-handshakes = 6, subnets { max-per-ipv4 = 3, inbound-burst = 100, inbound-rate = 100 } }
        connactors.regulation { grace-period = 0s, emergency-target = 0.1 }
        """;

    private static readonly Gen<LedgerOp> AnyOp =
        Gen.Select(Gen.Int[0, LedgerOp.Codes - 1], Gen.Int[0, 10_000], Gen.Int[0, 10_000], (code, a, b) => new LedgerOp(code, a, b));

    [Fact]
    public void Counts_always_equal_the_ids_held_and_every_id_ends_exactly_once_whatever_the_order_of_reports()
    {
        int opened = 0, trims = 0;
        AnyOp.Array[1, 400].Sample(ops =>
        {
            var driver = new LedgerDriver(Small);
            foreach (var op in ops) driver.Apply(op);
            opened += driver.Opened;
            trims += driver.Trims;
            driver.EndAll();
            var policy = driver.Ledger.Policy;
            Assert.Equal(0, driver.Ledger.Connections.Count);
            Assert.Equal((0, 0, 0, 0), (policy.Connections, policy.PendingInbound, policy.PendingOutbound, policy.Closing));
            Assert.Equal(0, policy.IgnoredReports); // the ledger filters late and duplicate reports before the policy sees them
        }, iter: 300);
        // The sequences must reach the interesting states, or the property says little.
        Assert.True(opened > 3_000 && trims > 300, $"{opened} connections opened, {trims} peers trimmed over all sequences");
    }
}
