using ConnActors.Policy.Politeness;
using CsCheck;

namespace ConnActors.Policy.Tests.Politeness;

public class OwnTrimHoldTests
{
    private const long Backoff = 60_000;

    private static DialBackoffTable Table() => new(new DialBackoffSettings { ForgetAfterMs = 30_000 }, new DeterministicRandom(7));

    [Fact]
    public void A_trimmed_peer_is_not_dialled_until_the_hold_ends_unless_friend()
    {
        var table = Table();
        var peer = new PeerKey(5);
        long until = table.RecordOwnTrim(peer, Backoff, 1_000);
        Assert.Equal(61_000, until);
        Assert.False(OwnTrimHold.MayDial(table.OwnTrimHoldOf(peer, 60_999), 60_999, friend: false));
        Assert.Equal(1, OwnTrimHold.RemainingMs(table.OwnTrimHoldOf(peer, 60_999), 60_999, friend: false));
        Assert.True(OwnTrimHold.MayDial(table.OwnTrimHoldOf(peer, 30_000), 30_000, friend: true));
        Assert.True(OwnTrimHold.MayDial(table.OwnTrimHoldOf(peer, 30_000), 30_000, friend: false, closestForLookup: true));
        Assert.Equal(0, OwnTrimHold.RemainingMs(table.OwnTrimHoldOf(peer, 30_000), 30_000, friend: false, closestForLookup: true));
        Assert.True(OwnTrimHold.MayDial(table.OwnTrimHoldOf(peer, 61_000), 61_000, friend: false));
        // The hold is ours alone: it is no failure window and no bye obligation, so the dial queue and the persisted obligations ignore it.
        Assert.Equal(30_000, table.EarliestDialMs(peer, 30_000));
        Assert.Empty(table.ByeObligations(30_000));
    }

    [Fact]
    public void A_later_shorter_hold_does_not_shorten_it_and_a_success_does_not_clear_it()
    {
        var table = Table();
        var peer = new PeerKey(5);
        table.RecordOwnTrim(peer, Backoff, 0);
        Assert.Equal(60_000, table.RecordOwnTrim(peer, 1_000, 10_000));
        table.RecordSuccess(peer, 20_000); // the peer dialled us back: our own dials stay held
        Assert.Equal(60_000, table.OwnTrimHoldOf(peer, 20_000));
        Assert.Equal(10_000, OwnTrimHold.Until(10_000, Backoff, friend: true));
        Assert.Equal(10_000, OwnTrimHold.Until(10_000, 0, friend: false));
        Assert.Equal(10_000, OwnTrimHold.Until(10_000, Backoff, friend: false, releasedAfterBurst: true));
    }

    private readonly record struct Step(int Kind, int Peer, int ElapsedMs);

    /// <summary>
    /// Random trims, dials, failures, successes and remote byes over a few peers (enough to make the table
    /// sweep): a dial the hold lets through is never to a non-friend peer inside the backoff of our last trim
    /// of it, and a dial to a peer we did not trim within the backoff is never held back.
    /// </summary>
    [Fact]
    public void Never_a_dial_to_an_own_trimmed_non_friend_inside_its_backoff()
    {
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 200], Gen.Int[0, 20_000])
            .Select((kind, peer, elapsed) => new Step(kind, peer, elapsed)).Array[1, 600]
            .Select(Gen.Long[0, 120_000])
            .Sample((steps, backoff) =>
            {
                var table = Table();
                var lastTrim = new Dictionary<int, long>();
                long now = 0;
                foreach (var step in steps)
                {
                    now += step.ElapsedMs;
                    var key = new PeerKey(step.Peer + 1);
                    bool friend = step.Peer % 7 == 0;
                    switch (step.Kind)
                    {
                        case 0:
                            long until = OwnTrimHold.Until(now, backoff, friend);
                            if (until > now)
                            {
                                table.RecordOwnTrim(key, until - now, now);
                                lastTrim[step.Peer] = now;
                            }
                            break;
                        case 1: table.RecordFailure(key, now); break;
                        case 2: table.RecordSuccess(key, now); break;
                        case 3: table.RecordRemoteBye(key, step.ElapsedMs, now); break;
                        default:
                            bool may = OwnTrimHold.MayDial(table.OwnTrimHoldOf(key, now), now, friend);
                            bool trimmedLately = lastTrim.TryGetValue(step.Peer, out long at) && now - at < backoff;
                            if (!friend && trimmedLately && may) return false;
                            if (!trimmedLately && !may) return false;
                            break;
                    }
                }
                return true;
            });
    }
}
