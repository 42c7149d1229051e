using ConnActors.Policy.Politeness;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;
using CsCheck;

namespace ConnActors.Policy.Tests.Politeness;

/// <summary>
/// A peer whose last use was a finished burst (a lookup's query connection) gets no own-trim hold when it is trimmed,
/// whatever reason the trim records: a regulation round takes lingering query connections as unassigned.
/// </summary>
public class OwnTrimAfterBurstTests
{
    private const long Backoff = 60_000;
    private static readonly TrimReason[] Reasons = Enum.GetValues<TrimReason>();

    private static Policy.Engine.ConnectionManagerPolicy Engine() => Engines.Small(hardCap: 100);

    [Fact]
    public void A_lingering_query_peer_trimmed_as_unassigned_holds_no_dial_but_a_claimed_or_busy_one_does()
    {
        var engine = Engine();
        var pubsub = engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(0), QuotaAmount.Share(0.5))).Id;
        var burst = engine.BeginBurst(0);
        for (int i = 1; i <= 4; i++)
        {
            engine.Enlist(burst, new PeerKey(i));
            Assert.True(engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 0).Admitted);
        }
        Assert.Equal(1_000 + Backoff, engine.OwnTrimHoldUntil(new PeerKey(1), TrimReason.Unassigned, 1_000)); // its lookup still runs
        Assert.True(engine.RequestSlot(pubsub, new PeerKey(2), 100).IsGranted);
        engine.EndBurst(burst, 1_000);
        var again = engine.BeginBurst(2_000);
        engine.Enlist(again, new PeerKey(3));

        Assert.Equal(5_000, engine.OwnTrimHoldUntil(new PeerKey(1), TrimReason.Unassigned, 5_000));
        Assert.Equal(5_000, engine.OwnTrimHoldUntil(new PeerKey(1), TrimReason.LowScore, 5_000));
        Assert.Equal(5_000 + Backoff, engine.OwnTrimHoldUntil(new PeerKey(2), TrimReason.LowScore, 5_000)); // pubsub uses it now
        Assert.Equal(5_000 + Backoff, engine.OwnTrimHoldUntil(new PeerKey(3), TrimReason.Unassigned, 5_000)); // another lookup uses it
        Assert.Equal(5_000, engine.OwnTrimHoldUntil(new PeerKey(3), TrimReason.FinishedBurst, 5_000)); // released with that lookup
        engine.EndBurst(again, 6_000);
        Assert.Equal(7_000, engine.OwnTrimHoldUntil(new PeerKey(3), TrimReason.Unassigned, 7_000));
        // A peer no burst ever used is held, as before.
        Assert.True(engine.AdmitOutbound(new PeerKey(9), Addresses.V4(9), 7_000).Admitted);
        Assert.Equal(7_000 + Backoff, engine.OwnTrimHoldUntil(new PeerKey(9), TrimReason.Unassigned, 7_000));
    }

    [Fact]
    public void The_decision_holds_only_what_is_not_a_finished_bursts_peer() =>
        Gen.Select(Gen.Enum<TrimReason>(), Gen.Bool, Gen.Int[0, 3], Gen.Bool).Sample((reason, finished, running, claimed) =>
        {
            bool afterBurst = OwnTrimHold.LastUseWasFinishedBurst(reason, finished, running, claimed);
            if (reason == TrimReason.FinishedBurst) return afterBurst;
            // Not a release: exempt exactly when the last burst ended and nothing has used the peer since.
            return afterBurst == (finished && running == 0 && !claimed);
        });

    private readonly record struct Op(int Kind, int Peer, int Reason, int ElapsedMs);

    /// <summary>
    /// Random lookups (bursts enlisting connected peers), their ends, claims and releases of slots and friends over a few
    /// peers; at every step, for each peer and every trim reason, the engine holds its own dials to a non-friend exactly
    /// when the peer is not a finished lookup's peer that nothing has used since (a model kept beside it), and never to a
    /// friend.
    /// </summary>
    [Fact]
    public void Only_peers_in_use_after_their_last_burst_are_held() =>
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 7], Gen.Int[0, Reasons.Length - 1], Gen.Int[0, 5_000])
            .Select((kind, peer, reason, elapsed) => new Op(kind, peer, reason, elapsed)).Array[1, 200]
            .Sample(ops =>
            {
                var engine = Engine();
                var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(0), QuotaAmount.Share(0.6))).Id;
                const int Peers = 8;
                var finished = new bool[Peers];
                var claimed = new bool[Peers];
                var friend = new bool[Peers];
                var running = new List<(Policy.Bursts.BurstId Burst, HashSet<int> Peers)>();
                long now = 0;
                for (int p = 0; p < Peers; p++) Assert.True(engine.AdmitOutbound(new PeerKey(p), Addresses.V4(p + 1), now).Admitted);
                foreach (var op in ops)
                {
                    now += op.ElapsedMs;
                    var key = new PeerKey(op.Peer);
                    switch (op.Kind)
                    {
                        case 0:
                            var burst = engine.BeginBurst(now);
                            engine.Enlist(burst, key);
                            running.Add((burst, [op.Peer]));
                            break;
                        case 1 when running.Count > 0:
                            var joined = running[op.ElapsedMs % running.Count];
                            engine.Enlist(joined.Burst, key);
                            joined.Peers.Add(op.Peer);
                            break;
                        case 2 when running.Count > 0:
                            var ended = running[op.ElapsedMs % running.Count];
                            running.Remove(ended);
                            engine.EndBurst(ended.Burst, now);
                            foreach (int p in ended.Peers) if (!running.Any(r => r.Peers.Contains(p))) finished[p] = true;
                            break;
                        case 3:
                            if (engine.RequestSlot(dht, key, now).IsGranted) claimed[op.Peer] = true;
                            break;
                        case 4:
                            engine.ReleaseSlot(dht, key, now);
                            claimed[op.Peer] = false;
                            break;
                        default:
                            friend[op.Peer] = !friend[op.Peer];
                            engine.SetFriend(key, friend[op.Peer], now);
                            break;
                    }
                    for (int p = 0; p < Peers; p++)
                    {
                        bool inRunning = running.Any(r => r.Peers.Contains(p));
                        var reason = Reasons[(op.Reason + p) % Reasons.Length];
                        bool held = engine.OwnTrimHoldUntil(new PeerKey(p), reason, now) > now;
                        bool expected = !friend[p] && reason != TrimReason.FinishedBurst && !(finished[p] && !inRunning && !claimed[p]);
                        if (held != expected) return false;
                    }
                }
                return true;
            });
}
