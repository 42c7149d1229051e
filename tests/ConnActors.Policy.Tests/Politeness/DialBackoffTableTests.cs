using ConnActors.Policy.Politeness;
using CsCheck;

namespace ConnActors.Policy.Tests.Politeness;

public class DialBackoffTableTests
{
    private static readonly PeerKey Alice = new(1);
    private static readonly PeerKey Bob = new(2);
    private static readonly AddressKey Tcp = new(0xA);
    private static readonly AddressKey Quic = new(0xB);

    private static DialBackoffTable GoTable(long forgetAfterMs = 300_000) =>
        new(new DialBackoffSettings { Backoff = BackoffSettings.GoLibp2pDial, ForgetAfterMs = forgetAfterMs }, new DeterministicRandom(1));

    [Fact]
    public void Address_failures_escalate_and_only_block_that_address()
    {
        var table = GoTable();
        Assert.Equal(5_000, table.RecordFailure(Alice, Tcp, 0));
        Assert.False(table.CanDial(Alice, Tcp, 4_999));
        Assert.True(table.CanDial(Alice, Tcp, 5_000));
        Assert.True(table.CanDial(Alice, Quic, 0));
        Assert.True(table.CanDial(Bob, Tcp, 0));

        Assert.Equal(5_000 + 6_000, table.RecordFailure(Alice, Tcp, 5_000));
        Assert.Equal(11_000 + 9_000, table.RecordFailure(Alice, Tcp, 11_000));
        Assert.Equal(3, table.AddressFailures(Alice, Tcp, 11_000));
        Assert.Equal(20_000, table.EarliestDialMs(Alice, Tcp, 12_000));
    }

    [Fact]
    public void Peer_failure_blocks_every_address_of_the_peer()
    {
        var table = GoTable();
        table.RecordFailure(Alice, 1_000);
        Assert.Equal(6_000, table.EarliestDialMs(Alice, Tcp, 1_000));
        Assert.Equal(6_000, table.EarliestDialMs(Alice, Quic, 1_000));
        Assert.Equal(6_000, table.EarliestDialMs(Alice, 1_000));
        Assert.True(table.CanDial(Bob, Tcp, 1_000));
    }

    [Fact]
    public void Success_resets_the_peer_and_that_address_but_not_other_addresses()
    {
        var table = GoTable();
        table.RecordFailure(Alice, Tcp, 0);
        table.RecordFailure(Alice, Quic, 0);
        table.RecordFailure(Alice, 0);
        table.RecordSuccess(Alice, Tcp, 1_000);
        Assert.True(table.CanDial(Alice, Tcp, 1_000));
        Assert.False(table.CanDial(Alice, Quic, 1_000));
        Assert.Equal(0, table.PeerFailures(Alice, 1_000));
        Assert.Equal(5_000 + 1_000, table.RecordFailure(Alice, Tcp, 1_000)); // starts again at the first delay
    }

    [Fact]
    public void Failure_history_is_forgotten_after_a_quiet_period()
    {
        var table = GoTable(forgetAfterMs: 60_000);
        table.RecordFailure(Alice, Tcp, 0);
        table.RecordFailure(Alice, Tcp, 5_000);     // window ends at 11 000
        Assert.Equal(2, table.AddressFailures(Alice, Tcp, 70_999));
        Assert.Equal(0, table.AddressFailures(Alice, Tcp, 71_000));
        Assert.Equal(71_000 + 5_000, table.RecordFailure(Alice, Tcp, 71_000));
    }

    [Fact]
    public void Remote_bye_hint_is_honoured_for_every_address()
    {
        var table = GoTable();
        var obligation = table.RecordRemoteBye(Alice, 90_000, 10_000);
        Assert.Equal(new ByeObligation(Alice, 100_000), obligation);
        Assert.False(table.CanDial(Alice, Tcp, 99_999));
        Assert.False(table.CanDial(Alice, Quic, 50_000));
        Assert.True(table.CanDial(Alice, Tcp, 100_000));
    }

    [Fact]
    public void Remote_bye_hint_is_capped_and_never_shortens_an_earlier_obligation()
    {
        var table = new DialBackoffTable(new DialBackoffSettings { RemoteByeCeilingMs = 3_600_000 }, new DeterministicRandom(1));
        Assert.Equal(3_600_000, table.RecordRemoteBye(Alice, long.MaxValue, 0).NotBeforeMs);
        Assert.Equal(3_600_000, table.RecordRemoteBye(Alice, 1_000, 10_000).NotBeforeMs);
        Assert.Equal(5_000, table.RecordRemoteBye(Bob, -7, 5_000).NotBeforeMs); // a negative hint means none
        Assert.True(table.CanDial(Bob, Tcp, 5_000));
    }

    [Fact]
    public void Success_keeps_a_bye_obligation()
    {
        var table = GoTable();
        table.RecordRemoteBye(Alice, 60_000, 0);
        table.RecordFailure(Alice, 0);
        table.RecordSuccess(Alice, Tcp, 1_000); // the remote dialed us; we still owe it no dial
        Assert.Equal(60_000, table.EarliestDialMs(Alice, Tcp, 1_000));
        Assert.Equal(0, table.PeerFailures(Alice, 1_000));
    }

    [Fact]
    public void Bye_obligations_round_trip_through_persistence_and_are_clamped_on_restore()
    {
        var table = GoTable();
        table.RecordRemoteBye(Alice, 60_000, 0);
        table.RecordRemoteBye(Bob, 10_000, 0);
        table.RecordFailure(new PeerKey(3), 0); // a failure is not an obligation
        var persisted = table.ByeObligations(5_000).OrderBy(o => o.Peer.Value).ToArray();
        Assert.Equal([new ByeObligation(Alice, 60_000), new ByeObligation(Bob, 10_000)], persisted);
        Assert.Equal([new ByeObligation(Alice, 60_000)], table.ByeObligations(10_000));

        var restarted = new DialBackoffTable(new DialBackoffSettings { RemoteByeCeilingMs = 30_000 }, new DeterministicRandom(2));
        foreach (var obligation in persisted) restarted.Restore(obligation, 20_000);
        Assert.Equal(50_000, restarted.EarliestDialMs(Alice, 20_000)); // 60 000 clamped to now + 30 s ceiling
        Assert.True(restarted.CanDial(Bob, Tcp, 20_000));                // already over
        Assert.Single(restarted.ByeObligations(20_000));
    }

    [Fact]
    public void Memory_follows_recent_failures_not_peers_ever_seen()
    {
        var table = GoTable(forgetAfterMs: 0);
        long now = 0;
        for (int i = 0; i < 100_000; i++)
        {
            now += 100; // ten failures per second, each forgotten 5 s later
            table.RecordFailure(new PeerKey(i), new AddressKey((ulong)i), now);
        }
        // About 50 entries are live at any time; the doubling sweep keeps at most the threshold plus twice that.
        Assert.True(table.Count <= 2 * 64 + 100, $"{table.Count} entries held");
    }

    private readonly record struct Event(int Kind, int Peer, int Address, long Value, int StepMs);

    [Fact]
    public void No_dial_is_allowed_inside_a_recorded_window_under_random_events()
    {
        var events = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 5], Gen.Int[0, 2], Gen.Long[-1_000, 5_000_000], Gen.Int[0, 120_000])
            .Select((kind, peer, address, value, step) => new Event(kind, peer, address, value, step));
        Gen.Select(events.Array[1, 200], Gen.ULong, Gen.Bool).Sample((history, seed, goPreset) =>
        {
            var settings = new DialBackoffSettings
            {
                Backoff = goPreset ? BackoffSettings.GoLibp2pDial : BackoffSettings.DialDefault,
                ForgetAfterMs = 30_000,
                RemoteByeCeilingMs = 600_000,
            };
            var table = new DialBackoffTable(settings, new DeterministicRandom(seed));
            // Model: the window ends each recorded event promised, until a success clears them.
            var peerEnds = new Dictionary<int, long>();
            var byeEnds = new Dictionary<int, long>();
            var addressEnds = new Dictionary<(int, int), long>();
            long now = 0;
            foreach (var e in history)
            {
                now += e.StepMs;
                var peer = new PeerKey(e.Peer);
                var address = new AddressKey((ulong)e.Address);
                switch (e.Kind)
                {
                    case 0:
                        long end = table.RecordFailure(peer, address, now);
                        Assert.InRange(end, now, now + settings.Backoff.CapMs);
                        addressEnds[(e.Peer, e.Address)] = end;
                        break;
                    case 1:
                        peerEnds[e.Peer] = table.RecordFailure(peer, now);
                        break;
                    case 2:
                        long byeEnd = table.RecordRemoteBye(peer, e.Value, now).NotBeforeMs;
                        long honoured = now + Math.Clamp(e.Value, 0, settings.RemoteByeCeilingMs);
                        Assert.Equal(Math.Max(honoured, byeEnds.GetValueOrDefault(e.Peer)), byeEnd);
                        byeEnds[e.Peer] = byeEnd;
                        break;
                    case 3:
                        table.RecordSuccess(peer, address, now);
                        peerEnds.Remove(e.Peer);
                        addressEnds.Remove((e.Peer, e.Address));
                        break;
                }
                for (int p = 0; p <= 5; p++)
                {
                    for (int a = 0; a <= 2; a++)
                    {
                        long promised = Math.Max(peerEnds.GetValueOrDefault(p), Math.Max(byeEnds.GetValueOrDefault(p), addressEnds.GetValueOrDefault((p, a))));
                        long earliest = table.EarliestDialMs(new PeerKey(p), new AddressKey((ulong)a), now);
                        Assert.True(earliest >= promised, $"peer {p} address {a} dialable at {earliest}, promised {promised}");
                        Assert.True(earliest >= now);
                        Assert.Equal(earliest <= now, table.CanDial(new PeerKey(p), new AddressKey((ulong)a), now));
                    }
                }
            }
        }, iter: 200);
    }
}
