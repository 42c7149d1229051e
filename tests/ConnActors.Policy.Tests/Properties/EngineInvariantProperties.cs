using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using CsCheck;

namespace ConnActors.Policy.Tests.Properties;

public class EngineInvariantProperties
{
    private static readonly Gen<EngineOp> AnyOp =
        Gen.Select(Gen.Int[0, EngineOp.Codes - 1], Gen.Int[0, 10_000], Gen.Int[0, 10_000], (code, a, b) => new EngineOp(code, a, b));

    [Fact]
    public void Random_event_sequences_keep_every_invariant() =>
        AnyOp.Array[1, 400].Sample(ops =>
        {
            var driver = new EngineDriver(hardCap: 40);
            foreach (var op in ops) driver.Apply(op);
        }, iter: 400);

    [Fact]
    public void Invariants_hold_at_a_larger_cap_too() =>
        AnyOp.Array[200, 1_500].Sample(ops =>
        {
            var driver = new EngineDriver(hardCap: 120);
            foreach (var op in ops) driver.Apply(op);
        }, iter: 60);

    [Fact]
    public void A_subsystem_with_demand_below_its_reservation_always_gets_its_slot() =>
        Gen.Select(AnyOp.Array[1, 300], Gen.Int[0, 2], Gen.Int[1_000, 2_000]).Sample((ops, subsystemIndex, peerId) =>
        {
            // Without friends, protections and locks every borrowed slot is reclaimable.
            var driver = new EngineDriver(hardCap: 40, allowPrivilegeAndLocks: false);
            foreach (var op in ops) driver.Apply(op);
            var subsystem = driver.Engine.Quotas.All().ElementAt(subsystemIndex).Id;
            var usage = driver.Engine.Quotas.UsageOf(subsystem);
            driver.RequestSlot(subsystem, new PeerKey(peerId));
            if (usage.Used < usage.Reserved && !InActiveBurstOnly(driver))
                Assert.True(driver.LastSlotDecision.IsGranted, $"{usage.Name} at {usage.Used}/{usage.Reserved} was refused: {driver.LastSlotDecision.Outcome}");
        }, iter: 300);

    // Peers in running bursts are in use and not reclaimable; when they fill the node a refusal is right.
    private static bool InActiveBurstOnly(EngineDriver driver) =>
        driver.Engine.Connections - driver.Engine.ActiveBurstConnections - driver.Engine.Closing <= 0;

    [Fact]
    public void Trim_rounds_never_take_our_dialed_peers_below_the_outbound_reserve() =>
        Gen.Select(Gen.Int[0, 20], Gen.Int[3, 20].Array[60], Gen.Int[0, 3]).Sample((outbound, signals, extraRounds) =>
        {
            // Inbound peers made useful (so our fresh dials score lower) fill the node past high water.
            var engine = Engines.Small(hardCap: 60);
            var limits = engine.Settings.Limits;
            int inbound = Math.Min(limits.HighWater + 5 - outbound, limits.MaxInbound - limits.FriendReserve);
            engine.ConnectInbound(0, inbound, 0);
            for (int i = 0; i < inbound; i++)
                engine.RecordSignal(new PeerKey(i), UsefulnessSignal.SuccessfulQuery, signals[i % signals.Length], 0);
            for (int i = 0; i < outbound; i++)
                Assert.True(engine.AdmitOutbound(new PeerKey(10_000 + i), Addresses.V4(10_000 + i), 0).Admitted);
            int outboundBefore = engine.Outbound;
            var plan = new TrimPlan();
            for (int round = 0; round <= extraRounds; round++)
            {
                long now = 1_000 + round * 60_000;
                engine.PlanTrim(now, plan);
                engine.CarryOut(plan, now);
            }
            Assert.True(engine.Outbound >= Math.Min(outboundBefore, limits.OutboundReserve),
                $"trims took our dialed peers from {outboundBefore} to {engine.Outbound}, below the outbound reserve {limits.OutboundReserve}");
        }, iter: 200);

    [Fact]
    public void On_a_full_node_a_subsystem_above_its_reservation_evicts_an_unassigned_peer_whenever_one_may_go() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4], Gen.Int[0, 20].Array[34]).Sample((unassignedInbound, unassignedOutbound, usefulness) =>
        {
            // Hard cap 40: 34 inbound and 4 outbound (exactly the outbound reserve) fill the ordinary slots.
            // Inbound peers are made useful, so an unassigned outbound peer is often the cheapest.
            var engine = Engines.Small(hardCap: 40);
            var limits = engine.Settings.Limits;
            var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(2), QuotaAmount.Share(1))).Id;
            var app = engine.Enroll(new QuotaRequest("app", QuotaAmount.Slots(0), QuotaAmount.Slots(10))).Id;
            int inbound = limits.MaxInbound - limits.FriendReserve;
            engine.ConnectInbound(0, inbound, 0);
            for (int i = 0; i < inbound; i++) engine.RecordSignal(new PeerKey(i), UsefulnessSignal.SuccessfulQuery, usefulness[i % usefulness.Length], 0);
            for (int i = inbound; i < inbound + limits.OutboundReserve; i++)
                Assert.True(engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 0).Admitted);
            bool Unassigned(int i) => i < unassignedInbound || (i >= inbound && i < inbound + unassignedOutbound);
            for (int i = 0; i < inbound + limits.OutboundReserve; i++)
                if (!Unassigned(i)) Assert.True(engine.RequestSlot(dht, new PeerKey(i), 0).IsGranted);

            var decision = engine.RequestSlot(app, new PeerKey(10_000), 1);

            // Our dialed peers sit exactly at the outbound reserve, so only an unassigned inbound peer may go.
            if (unassignedInbound == 0)
            {
                Assert.Equal(SlotOutcome.DeniedNoCapacity, decision.Outcome);
                return;
            }
            Assert.Equal(SlotOutcome.Borrowed, decision.Outcome);
            Assert.True(decision.HasVictim);
            Assert.InRange(decision.Victim.Value, 0, unassignedInbound - 1);
        }, iter: 300);

    [Fact]
    public void An_inbound_flood_never_takes_the_outbound_reserve() =>
        Gen.Select(Gen.Int[0, 100_000].Array[1, 2_000], Gen.Int[1, 3]).Sample((flood, modes) =>
        {
            // Each admitted attempt is aborted, completed, or left hanging in its handshake (slowloris).
            var engine = Engines.Small(hardCap: 60);
            var limits = engine.Settings.Limits;
            int i = 0;
            foreach (int attacker in flood)
            {
                var address = Addresses.V4(attacker % 500);
                if (!engine.CheckInboundAddress(address, i++).Admitted) continue;
                switch (attacker % modes)
                {
                    case 0: engine.CompleteInboundHandshake(new PeerKey(attacker), address, i); break;
                    case 1: break;
                    default: engine.AbortInboundHandshake(address); break;
                }
            }
            Assert.True(engine.Inbound + engine.PendingInbound <= limits.MaxInbound - limits.FriendReserve);
            for (int dial = 0; dial < limits.OutboundReserve; dial++)
                Assert.True(engine.AdmitOutbound(new PeerKey(200_000 + dial), Addresses.V4(dial), i).Admitted, $"outbound dial {dial} refused after the flood");
            engine.SetFriend(new PeerKey(300_000), true, i);
            Assert.True(engine.AdmitOutbound(new PeerKey(300_000), Addresses.V4(9), i).Admitted, "a friend found no slot after the flood");
        }, iter: 200);
}
