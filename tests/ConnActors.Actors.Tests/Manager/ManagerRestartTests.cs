using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Tests.Support;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;

namespace ConnActors.Actors.Tests.Manager;

/// <summary>If the ConnectionManager throws, its next incarnation counts from what the host really holds.</summary>
public class ManagerRestartTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    public ManagerRestartTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING", output)
    {
    }

    [Fact]
    public async Task A_manager_that_throws_while_connections_are_live_rebuilds_its_counts_from_the_host()
    {
        var clock = new FaultingClock();
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(NodeSettings.From("connactors.limits.hard-cap = 40"), clock: clock);
        var dht = (await node.Manager.Ask<SubsystemRef>(new GetSubsystem("dht"), Generous)).Supervisor;
        var dialers = new List<Libp2pHost>();
        try
        {
            for (int i = 0; i < 5; i++) dialers.Add(await DialingHostAsync(node));
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts.Connections == 5, Generous, "five peers connected");
            Watch(node.Manager);

            clock.FailOnce();
            node.Manager.Tell(TrimNow.Instance);

            await Eventually.HoldsAsync(async () => clock.Failed && (await NodeFixture.StatusAsync(node)).Counts.Connections == node.Host.Connections.Count,
                Generous, async () => $"counts after the restart {(await NodeFixture.StatusAsync(node)).Counts} against {node.Host.Connections.Count} held by the host");
            // Not terminated: restarted. (TrimNow's acknowledgement may arrive meanwhile: the fault hits whichever message
            // reads the clock first, a closing identify stream's report as well as the trim.)
            Assert.DoesNotContain(ReceiveWhile(TimeSpan.FromMilliseconds(200), m => m), m => m is Terminated);
            Assert.Equal(5, (await NodeFixture.StatusAsync(node)).Counts.Connections);
            Assert.Equal(dht, (await node.Manager.Ask<SubsystemRef>(new GetSubsystem("dht"), Generous)).Supervisor);

            // The rebuilt ledger carries on: a new peer is counted, a peer that leaves is uncounted.
            dialers.Add(await DialingHostAsync(node));
            await dialers[0].DisposeAsync();
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts is { Connections: 5, Inbound: 5, PendingInbound: 0 }, Generous,
                async () => $"one joined, one left: {(await NodeFixture.StatusAsync(node)).Counts}");
            Assert.Equal(node.Host.Connections.Count, (await NodeFixture.StatusAsync(node)).Counts.Connections);
        }
        finally
        {
            foreach (var dialer in dialers) await dialer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_manager_that_restarts_still_counts_the_router_entries_of_connections_that_ended_before()
    {
        var clock = new FaultingClock();
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(NodeSettings.From(
            "connactors.limits.router-entries = 40\nconnactors.limits { router-entry-linger = 10m, router-reset-linger = 10m }"), clock: clock);
        var dialers = new List<Libp2pHost>();
        try
        {
            for (int i = 0; i < 3; i++) dialers.Add(await DialingHostAsync(node));
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts.Connections == 3, Generous, "three peers connected");
            await dialers[0].DisposeAsync();
            await dialers[1].DisposeAsync();
            // One open, two ended and still in the router for the linger.
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts is { Connections: 1, RouterEntries: 3 }, Generous,
                async () => $"two left: {(await NodeFixture.StatusAsync(node)).Counts}");

            clock.FailOnce();
            node.Manager.Tell(TrimNow.Instance);
            await Eventually.HoldsAsync(async () => clock.Failed && (await NodeFixture.StatusAsync(node)).Counts.Connections == node.Host.Connections.Count,
                Generous, async () => $"counts after the restart {(await NodeFixture.StatusAsync(node)).Counts}");

            var counts = (await NodeFixture.StatusAsync(node)).Counts;
            Assert.Equal(1, counts.Connections);
            Assert.Equal(3, counts.RouterEntries); // the rebuilt ledger's record plus the two ends it did not see
            Assert.Equal(40, counts.RouterEntryBudget);
            Assert.Equal(20, counts.HardCap);
        }
        finally
        {
            foreach (var dialer in dialers.Skip(2)) await dialer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_manager_that_keeps_failing_stops_instead_of_looping()
    {
        var clock = new FaultingClock();
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(NodeSettings.From(), clock: clock);
        Watch(node.Manager);

        // One fault at a time, each after the previous incarnation serves again: restarts, until too many in a minute.
        for (int restart = 0; restart < 5; restart++)
        {
            clock.FailOnce();
            node.Manager.Tell(TrimNow.Instance);
            await node.Manager.Ask<ManagerStatus>(GetManagerStatus.Instance, Generous);
        }
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        clock.FailOnce();
        node.Manager.Tell(TrimNow.Instance);

        ExpectTerminated(node.Manager, Generous);
    }

    private static async Task<Libp2pHost> DialingHostAsync(Actors.Host.ConnActorsNode node)
    {
        var host = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        await host.DialAsync(NodeFixture.AddressOf(node)).WaitAsync(Generous);
        return host;
    }

    /// <summary>The system clock, except that it throws when told to: a fault injected into the manager.</summary>
    private sealed class FaultingClock : IClock
    {
        private int _failures; // that many more reads throw

        public bool Failed { get; private set; }

        public void FailOnce() => Volatile.Write(ref _failures, 1);

        public long NowMs
        {
            get
            {
                int failures = Volatile.Read(ref _failures);
                if (failures > 0 && Interlocked.CompareExchange(ref _failures, failures - 1, failures) == failures)
                {
                    Failed = true;
                    throw new InvalidOperationException("injected fault: the clock failed");
                }
                return SystemClock.Instance.NowMs;
            }
        }
    }
}
