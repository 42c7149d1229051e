using ConnActors.Policy.Quotas;

namespace ConnActors.Policy.Tests.Quotas;

public class QuotaTableTests
{
    [Fact]
    public void An_enrollment_that_fits_is_accepted_as_asked()
    {
        var table = new QuotaTable(100);
        var dht = table.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(20), QuotaAmount.Share(0.5)));
        Assert.Equal(EnrollmentOutcome.Accepted, dht.Outcome);
        Assert.Equal((20, 50), (dht.Reserved, dht.Maximum));
        Assert.Equal(20, table.ReservedTotal);
    }

    [Fact]
    public void Over_commitment_gets_a_counter_proposal_to_accept_or_withdraw()
    {
        var table = new QuotaTable(100);
        table.Enroll(new QuotaRequest("dht", QuotaAmount.Share(0.7), QuotaAmount.Share(1)));
        var pubsub = table.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(40), QuotaAmount.Slots(60)));
        Assert.Equal(EnrollmentOutcome.CounterProposed, pubsub.Outcome);
        Assert.Equal(30, pubsub.Reserved);
        Assert.False(table.IsActive(pubsub.Id));
        Assert.Throws<InvalidOperationException>(() => table.Decide(pubsub.Id, false, true));
        table.AcceptCounterProposal(pubsub.Id);
        Assert.True(table.IsActive(pubsub.Id));
        Assert.Equal(100, table.ReservedTotal);

        var app = table.Enroll(new QuotaRequest("app", QuotaAmount.Slots(5), QuotaAmount.Slots(10)));
        Assert.Equal(EnrollmentOutcome.CounterProposed, app.Outcome);
        Assert.Equal(0, app.Reserved);
        table.Withdraw(app.Id);
        Assert.Null(table.Find("app"));
    }

    [Theory]
    [InlineData(10, 5, "exceeds maximum")]
    [InlineData(0, 0, "at least one slot")]
    public void Invalid_requests_are_rejected_with_a_reason(int reserved, int maximum, string reason)
    {
        var result = new QuotaTable(100).Enroll(new QuotaRequest("x", QuotaAmount.Slots(reserved), QuotaAmount.Slots(maximum)));
        Assert.Equal(EnrollmentOutcome.Rejected, result.Outcome);
        Assert.Contains(reason, result.Reason);
    }

    [Fact]
    public void A_name_enrolls_once()
    {
        var table = new QuotaTable(100);
        table.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(1), QuotaAmount.Slots(2)));
        Assert.Equal(EnrollmentOutcome.Rejected, table.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(1), QuotaAmount.Slots(2))).Outcome);
    }

    [Fact]
    public void Slots_are_granted_within_reservation_borrowed_beyond_and_denied_at_maximum()
    {
        var table = new QuotaTable(100);
        var id = table.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(1), QuotaAmount.Slots(2))).Id;
        Assert.Equal(SlotOutcome.Granted, table.Decide(id, true, true));
        table.Claim(id);
        Assert.Equal(SlotOutcome.Borrowed, table.Decide(id, true, true));
        Assert.Equal(SlotOutcome.DeniedNoCapacity, table.Decide(id, true, false));
        table.Claim(id);
        Assert.Equal(SlotOutcome.DeniedAtMaximum, table.Decide(id, false, true));
        Assert.Throws<InvalidOperationException>(() => table.Withdraw(id));
    }

    [Fact]
    public void Below_its_reservation_a_full_node_means_reclaim()
    {
        var table = new QuotaTable(100);
        var id = table.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(5), QuotaAmount.Slots(10))).Id;
        Assert.Equal(SlotOutcome.GrantedAfterReclaim, table.Decide(id, needsNewConnection: true, roomForNewConnection: false));
    }

    [Theory]
    [InlineData("12", 12, false)]
    [InlineData("5%", 0.05, true)]
    [InlineData(" 100% ", 1.0, true)]
    public void Amounts_parse(string text, double value, bool share)
    {
        var amount = QuotaAmount.Parse(text, "quotas.dht.reserved");
        Assert.Equal(share, amount.IsShare);
        Assert.Equal(value, amount.Value, 9);
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("120%")]
    [InlineData("2.5")]
    [InlineData("lots")]
    public void Bad_amounts_name_the_key(string text) =>
        Assert.Equal("quotas.dht.reserved", Assert.Throws<PolicyConfigurationException>(() => QuotaAmount.Parse(text, "quotas.dht.reserved")).Key);
}
