using ConnActors.Policy.Politeness;
using CsCheck;

namespace ConnActors.Policy.Tests.Politeness;

public class FriendReconnectScheduleTests
{
    private static FriendReconnectSchedule NewSchedule(ulong seed = 1) =>
        new(BackoffSettings.FriendReconnectDefault, new DeterministicRandom(seed));

    [Fact]
    public void A_new_friend_is_dialed_at_once()
    {
        var schedule = NewSchedule();
        Assert.Equal(1_000, schedule.NextAttemptMs(1_000));
        Assert.False(schedule.IsConnected);
    }

    [Fact]
    public void Failures_back_off_like_kubo_peering_and_a_connection_resets_them()
    {
        var schedule = NewSchedule();
        long now = 0;
        Assert.InRange(schedule.RecordFailure(now), 3_750, 5_000);
        Assert.InRange(schedule.RecordFailure(now), 7_500, 10_000);
        Assert.InRange(schedule.RecordFailure(now), 15_000, 20_000);
        Assert.Equal(3, schedule.ConsecutiveFailures);

        schedule.RecordConnected();
        Assert.True(schedule.IsConnected);
        Assert.Equal(0, schedule.ConsecutiveFailures);
        Assert.Equal(long.MaxValue, schedule.NextAttemptMs(now));

        now = 1_000_000;
        long next = schedule.RecordDisconnected(now);
        Assert.InRange(next, now + 3_750, now + 5_000);
        Assert.Equal(next, schedule.NextAttemptMs(now));
        Assert.Equal(next + 1, schedule.NextAttemptMs(next + 1)); // overdue: due now
    }

    [Fact]
    public void Delays_settle_between_seven_and_a_half_and_ten_minutes()
    {
        var schedule = NewSchedule();
        for (int i = 0; i < 100; i++) schedule.RecordFailure(0);
        for (int i = 0; i < 100; i++) Assert.InRange(schedule.RecordFailure(0), 450_000, 600_000);
    }

    [Fact]
    public void The_failure_counter_saturates_instead_of_overflowing()
    {
        var schedule = NewSchedule();
        schedule.SetConsecutiveFailures(int.MaxValue - 1);
        schedule.RecordFailure(0);
        schedule.RecordFailure(0);
        Assert.Equal(int.MaxValue, schedule.ConsecutiveFailures);
        Assert.InRange(schedule.RecordFailure(10), 10 + 450_000, 10 + 600_000);
    }

    private readonly record struct Event(int Kind, int StepMs);

    [Fact]
    public void Never_gives_up_and_resets_on_success_under_random_events()
    {
        var events = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 700_000]).Select((kind, step) => new Event(kind, step));
        Gen.Select(events.Array[1, 400], Gen.ULong, Gen.Long[1_000, 60_000], Gen.Double[1, 3], Gen.Double[0, 0.9])
            .Sample((history, seed, initial, factor, jitter) =>
            {
                var settings = new BackoffSettings { InitialMs = initial, Factor = factor, CapMs = 20 * initial, Jitter = jitter };
                var curve = new ExponentialBackoff(settings);
                var schedule = new FriendReconnectSchedule(settings, new DeterministicRandom(seed));
                long now = 0;
                int failures = 0;
                foreach (var e in history)
                {
                    now += e.StepMs;
                    if (e.Kind == 0)
                    {
                        schedule.RecordConnected();
                        failures = 0;
                        Assert.Equal(long.MaxValue, schedule.NextAttemptMs(now));
                        continue;
                    }
                    long next = e.Kind == 1 ? schedule.RecordDisconnected(now) : schedule.RecordFailure(now);
                    // The retry number is the failures since the last connection: reset by a success.
                    Assert.InRange(next, now + curve.MinimumDelayMs(failures), now + curve.BaseDelayMs(failures));
                    Assert.True(next <= now + settings.CapMs);
                    Assert.Equal(next, schedule.NextAttemptMs(now));
                    failures++;
                    Assert.Equal(failures, schedule.ConsecutiveFailures);
                }
            }, iter: 300);
    }
}
