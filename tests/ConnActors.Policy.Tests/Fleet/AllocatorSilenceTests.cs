using ConnActors.Policy.Fleet;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

/// <summary>When a member suspects a silent allocator and when the suspicion ends (<see cref="AllocatorSilence"/>, <see cref="AllocatorWatch"/>).</summary>
public class AllocatorSilenceTests
{
    private static readonly AllocatorSilenceTimings T = new(SuspectAfterMs: 3_000, HoldMs: 30_000, RenewIntervalMs: 1_000);

    [Fact]
    public void An_allocator_that_answered_before_is_suspected_after_the_silence_and_as_many_requests_as_it_spans()
    {
        Assert.Equal(3, AllocatorSilence.RequestsUnanswered(T));
        Assert.True(AllocatorSilence.Suspects(answeredBefore: true, firstUnansweredMs: 1_000, unanswered: 3, nowMs: 4_000, T));
        Assert.False(AllocatorSilence.Suspects(true, 1_000, 3, 3_999, T)); // not yet silent long enough
        Assert.False(AllocatorSilence.Suspects(true, 1_000, 2, 9_000, T)); // a member that stalled sent too few requests to tell
        Assert.False(AllocatorSilence.Suspects(answeredBefore: false, 1_000, 10, 20_000, T)); // never answered: left to the failure detector
        Assert.Equal(2, AllocatorSilence.RequestsUnanswered(T with { SuspectAfterMs = 1_500 }));
    }

    [Fact]
    public void A_suspicion_lasts_its_hold()
    {
        Assert.False(AllocatorSilence.HoldRunOut(suspectedAtMs: 10_000, nowMs: 39_999, T));
        Assert.True(AllocatorSilence.HoldRunOut(10_000, 40_000, T));
    }

    [Fact]
    public void The_watch_suspects_the_allocator_it_asks_once_its_answers_stop_and_a_late_answer_does_not_forgive_it()
    {
        var watch = new AllocatorWatch("self", T);
        watch.Asked("a", 0);
        watch.Answered("a", stampMs: 50, nowMs: 10);
        for (long t = 1_000; t <= 3_000; t += 1_000)
        {
            Assert.False(watch.Review(t));
            watch.Asked("a", t);
        }
        Assert.False(watch.Review(3_999));
        Assert.True(watch.Review(4_000)); // unanswered since 1,000: three requests over 3 s
        Assert.True(watch.IsSuspected("a"));
        watch.Answered("a", 900, 4_500); // late: proof of life, but not a reason to go back at once
        Assert.False(watch.Review(20_000));
        Assert.True(watch.IsSuspected("a"));
        Assert.True(watch.Review(34_000)); // the hold ran out
        Assert.False(watch.IsSuspected("a"));
    }

    [Fact]
    public void An_answer_restarts_the_count_and_switching_allocators_starts_a_new_one()
    {
        var watch = new AllocatorWatch("self", T);
        watch.Asked("a", 0);
        watch.Answered("a", 1, 10);
        watch.Asked("a", 1_000);
        watch.Asked("a", 2_000);
        watch.Answered("a", 2, 2_500);
        watch.Asked("a", 3_000);
        watch.Asked("a", 4_000);
        Assert.False(watch.Review(5_000)); // unanswered since 3,000 only
        watch.Asked("b", 5_000); // b never answered: never suspected
        watch.Asked("b", 6_000);
        watch.Asked("b", 7_000);
        Assert.False(watch.Review(60_000));
        Assert.Empty(watch.Suspected);
    }

    [Fact]
    public void Suspicions_end_when_the_allocator_asked_instead_does_not_answer_either()
    {
        // The silence and one renew interval more (the next oldest answers once it suspects too, up to an interval later).
        Assert.True(AllocatorSilence.LeadsNowhere(answeredSinceAsked: false, firstUnansweredMs: 1_000, unanswered: 4, nowMs: 5_000, T));
        Assert.False(AllocatorSilence.LeadsNowhere(false, 1_000, 3, 4_000, T)); // as silent as a suspicion asks: not yet
        Assert.False(AllocatorSilence.LeadsNowhere(false, 1_000, 4, 4_999, T));
        Assert.False(AllocatorSilence.LeadsNowhere(answeredSinceAsked: true, 1_000, 4, 5_000, T));
        Assert.False(AllocatorSilence.LeadsNowhere(false, 1_000, 3, 5_000, T));

        var watch = Suspecting("a", out long now);
        for (long t = now; t < now + 4_000; t += 1_000)
        {
            Assert.False(watch.Review(t));
            watch.Asked("b", t); // b does not allocate in its own view (it still hears from a): it does not answer
        }
        Assert.True(watch.Review(now + 4_000));
        Assert.Empty(watch.Suspected); // back to a, which this member alone lost

        watch = Suspecting("a", out now);
        watch.Asked("b", now);
        watch.Answered("b", 7, now + 100); // b took over: the suspicion stands
        watch.Asked("b", now + 1_000);
        watch.Asked("b", now + 2_000);
        Assert.False(watch.Review(now + 4_000));
        Assert.True(watch.IsSuspected("a"));
    }

    [Fact]
    public void A_member_never_suspects_its_own_allocator()
    {
        var watch = new AllocatorWatch("self", T);
        watch.Answered("self", 1, 0);
        for (long t = 0; t <= 10_000; t += 1_000) watch.Asked("self", t);
        Assert.False(watch.Review(10_000));
    }

    [Fact]
    public void The_membership_overrules_a_suspicion()
    {
        var watch = Suspecting("a", out long now);
        Assert.True(watch.Forgive("a"));
        Assert.False(watch.IsSuspected("a"));
        Assert.False(watch.Forgive("a"));
        Assert.False(watch.Review(now + 1));
    }

    /// <summary>
    /// A suspected allocator may still be alive and acting: the member goes on reporting its last contact with it, so the
    /// next allocator waits until it can no longer act (<see cref="LeaseBook"/>); dropping the contact with the suspicion
    /// would let the next one act at once.
    /// </summary>
    [Fact]
    public void A_suspected_allocator_is_still_reported_as_the_last_other_contact()
    {
        var watch = Suspecting("a", out long now);
        watch.Asked("b", now);
        Assert.Equal((50L, 10L), watch.LastOther("b"));
        Assert.Equal(-1, watch.EchoOf("b"));
        Assert.Equal(50, watch.EchoOf("a"));
    }

    /// <summary>
    /// A stalled allocator's backlog (answers to requests sent before it was suspected) reaches a member after the next
    /// allocator began its epoch. The member echoed none of those stamps (it asks the new one), so the old one cannot have
    /// acted on them; reported as contacts they made the new one restart its epoch (forget its grants, renew and split
    /// nothing until the old one's supposed last action + the quorum window + margin, split nothing until + length).
    /// </summary>
    [Fact]
    public void A_suspected_allocators_late_answer_does_not_restart_the_next_allocators_epoch()
    {
        var lease = ShareLeaseTimings.Default;
        var watch = Suspecting("a", out long now); // a answered at 10 (stamp 50), then nothing: suspected at 4,000
        var book = new LeaseBook(lease) { Members = 1, TieBreaker = "m" };
        book.Seen("m", "home", 16);
        LeaseReport Report(long at)
        {
            watch.Asked("b", at);
            var other = watch.LastOther("b");
            return new LeaseReport(watch.EchoOf("b"), other?.StampMs ?? -1, other is { } o ? at - o.AtMs : -1, 40);
        }

        book.Requested("m", Report(now), now); // the member asks b (same clock here): b probes
        Assert.Null(book.Renew("m", 40, now));
        watch.Answered("b", now, now + 5);
        book.Requested("m", Report(now + 300), now + 300); // the echo: b is quorate, and a can no longer act
        Assert.NotNull(book.Renew("m", 40, now + 300));
        long epoch = book.Epoch!.Value;

        watch.Answered("a", stampMs: now + 1_000, nowMs: now + 1_000); // a's backlog: it stalled, now answers late
        Assert.Equal(50, watch.EchoOf("a")); // nothing of it is echoed if the member asks a again
        book.Requested("m", Report(now + 1_300), now + 1_300);
        Assert.Equal(epoch, book.Epoch);
        Assert.NotNull(book.Renew("m", 40, now + 1_300));
    }

    [Fact]
    public void Timings_that_cannot_work_are_refused_naming_the_setting_at_fault()
    {
        static (string Setting, string Reason)? Check(long silence, long hold, long renew = 1_000, long length = 7_000) =>
            AllocatorSilenceTimings.Invalid(silence, hold, renew, length, n => $"<{n}>");
        Assert.Null(Check(3_000, 30_000));
        Assert.Equal("suspect-silence", Check(1_000, 30_000)!.Value.Setting);
        Assert.Contains("<renew-interval>", Check(1_000, 30_000)!.Value.Reason);
        Assert.Equal("suspect-silence", Check(6_000, 30_000)!.Value.Setting);
        Assert.Contains("<length>", Check(6_000, 30_000)!.Value.Reason);
        Assert.Equal("suspect-hold", Check(3_000, 6_999)!.Value.Setting);
    }

    /// <summary>
    /// Asked every renew interval (each request late by up to a third of it), an allocator whose every answer comes
    /// within the silence less two renew intervals is never suspected; one that stops answering is suspected within the
    /// silence plus two renew intervals of its last answer.
    /// </summary>
    [Fact]
    public void A_prompt_allocator_is_never_suspected_and_a_silent_one_always_is_soon()
    {
        var gen = Gen.Select(Gen.Int[2, 6], Gen.Int[100, 2_000], Gen.Int[0, 1_000].Array[40], Gen.Int[1, 39]);
        gen.Sample((spans, renew, jitter, stopsAt) =>
        {
            var t = new AllocatorSilenceTimings(spans * renew + renew / 2, 100L * renew, renew);
            long maxDelay = t.SuspectAfterMs - 2 * renew;
            var watch = new AllocatorWatch("self", t);
            var answers = new List<long>();
            long lastAnswer = -1;
            for (int i = 0; i < jitter.Length; i++)
            {
                long sent = i * renew + jitter[i] * renew / 3_000;
                foreach (var at in answers.Where(a => a <= sent).ToList())
                {
                    watch.Answered("a", at, at);
                    lastAnswer = at;
                    answers.Remove(at);
                }
                if (watch.Review(sent))
                {
                    Assert.True(i > stopsAt, $"suspected at {sent} ms though every answer came within {maxDelay} ms");
                    Assert.True(sent - lastAnswer >= t.SuspectAfterMs, $"suspected {sent - lastAnswer} ms after the last answer");
                    return;
                }
                watch.Asked("a", sent);
                if (i < stopsAt) answers.Add(sent + jitter[(i + 7) % jitter.Length] * maxDelay / 1_000);
            }
            Assert.True(lastAnswer < 0 || (jitter.Length - 1) * renew - lastAnswer < t.SuspectAfterMs + 2 * renew,
                $"not suspected though silent since {lastAnswer} ms");
        }, iter: 2_000);
    }

    private static AllocatorWatch Suspecting(string allocator, out long now)
    {
        var watch = new AllocatorWatch("self", T);
        watch.Asked(allocator, 0);
        watch.Answered(allocator, 50, 10);
        for (now = 1_000; !watch.Review(now); now += 1_000) watch.Asked(allocator, now);
        return watch;
    }
}
