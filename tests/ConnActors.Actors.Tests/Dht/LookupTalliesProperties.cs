using ConnActors.Actors.Dht;
using CsCheck;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// The lookups counted by kind (what <c>connctl dht status</c> and the <c>connactors_dht_lookups_*</c> metrics show):
/// whatever the order of starts, refusals and ends, every started lookup is running or ended exactly once, and one
/// that got what it was for succeeded even when its time ran out after.
/// </summary>
public class LookupTalliesProperties
{
    private static readonly LookupKind[] Kinds = Enum.GetValues<LookupKind>();

    // (what: 0 start, 1 refuse, 2 end the oldest running of the kind; kind; got it; timed out)
    private static readonly Gen<(int What, int Kind, bool GotIt, bool TimedOut)> AnyEvent =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, Kinds.Length - 1], Gen.Bool, Gen.Bool);

    [Fact]
    public void Started_is_running_plus_each_way_of_ending_and_refusals_are_apart()
    {
        long ended = 0;
        AnyEvent.Array[1, 300].Sample(events =>
        {
            var tallies = new LookupTallies();
            var running = Kinds.ToDictionary(k => k, _ => 0);
            var expected = Kinds.ToDictionary(k => k, _ => (Succeeded: 0L, TimedOut: 0L, NotFound: 0L, Refused: 0L));
            foreach (var (what, index, gotIt, timedOut) in events)
            {
                var kind = Kinds[index];
                var e = expected[kind];
                switch (what)
                {
                    case 0:
                        tallies.Started(kind);
                        running[kind]++;
                        break;
                    case 1:
                        tallies.Refused(kind);
                        expected[kind] = e with { Refused = e.Refused + 1 };
                        break;
                    case 2 when running[kind] > 0:
                        running[kind]--;
                        ended++;
                        var outcome = tallies.Finished(kind, gotIt, timedOut);
                        Assert.Equal(gotIt ? LookupOutcome.Succeeded : timedOut ? LookupOutcome.TimedOut : LookupOutcome.NotFound, outcome);
                        expected[kind] = outcome switch
                        {
                            LookupOutcome.Succeeded => e with { Succeeded = e.Succeeded + 1 },
                            LookupOutcome.TimedOut => e with { TimedOut = e.TimedOut + 1 },
                            _ => e with { NotFound = e.NotFound + 1 },
                        };
                        break;
                }
            }
            var snapshot = tallies.Snapshot();
            Assert.Equal(Kinds.Length, snapshot.Select(c => c.Kind).Distinct().Count());
            foreach (var kind in Kinds)
            {
                var counts = snapshot.Single(c => c.Kind == LookupTallies.Label(kind));
                var e = expected[kind];
                Assert.Equal(counts.Started, counts.Succeeded + counts.TimedOut + counts.NotFound + running[kind]);
                Assert.Equal((e.Succeeded, e.TimedOut, e.NotFound, e.Refused), (counts.Succeeded, counts.TimedOut, counts.NotFound, counts.Refused));
            }
        }, iter: 300);
        Assert.True(ended > 5_000, $"only {ended} lookups ended over all sequences");
    }
}
