using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// What keeps a lookup quick, on real sockets: its dials do not wait behind the manager's dial rate, and a peer
/// that never answers does not hold the lookup's end. Each case runs with the behaviour and without it (the
/// setting that turns it off), and the lookup's own figures (peers found, queries failed, timed out) tell them apart.
/// </summary>
public class DhtLatencyTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("profile", false)]
    [InlineData("0.2", true)]
    public async Task Query_dials_are_not_paced_by_the_managers_dial_rate(string queryRate, bool queriesFail)
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 7);
        // One dial at a time and one every 5 s for the manager's own dials: a query (5 s) whose dial waits behind two others fails.
        var querier = await nodes.StartAsync(DhtNodes.Settings(servers.Select(NodeFixture.AddressOf), mode: "client", overrides: $$"""
            connactors.limits.dial-concurrency = 1
            connactors.limits.dial-rate = 0.2
            connactors.dial.query-rate = {{queryRate}}
            """));

        var found = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));

        var s = found.Stats;
        string what = $"query rate {queryRate}: {found.Peers.Count} of {servers.Count} found, {s.Answered} answered, {s.Failed} failed, {s.ConnectionsOpened} opened in {s.Duration}";
        Assert.True(s.Failed > 0 == queriesFail, what);
        Assert.True(found.Peers.Count == servers.Count != queriesFail, what);
    }

    [Theory]
    [InlineData("on", false)]
    [InlineData("off", true)]
    public async Task A_peer_that_never_answers_does_not_hold_a_lookups_end(string slowQueries, bool timesOut)
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 6);
        // The lookup's end would wait 30 s for a silent peer; it gives up after 15 s.
        var querier = await nodes.StartAsync(DhtNodes.Settings(servers.Select(NodeFixture.AddressOf), mode: "client", overrides: $$"""
            connactors.dht.request-timeout = 30s
            connactors.dht.lookup-timeout = 15s
            connactors.dht.slow-queries = {{slowQueries}}
            """));
        // Enough answered queries for the slow-query rule to judge (it needs 8).
        for (int i = 0; i < 3; i++) Assert.True((await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()))).Stats.Converged);

        await using var silent = await SilentDhtPeer.StartAsync();
        await SilentDhtPeer.AnnounceAsync(silent, servers, Wait);

        var found = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));

        var s = found.Stats;
        string what = $"slow-queries {slowQueries}: timed out {s.TimedOut}, converged {s.Converged}, queried {s.Queried}, answered {s.Answered}, failed {s.Failed}, in {s.Duration}";
        Assert.True(s.TimedOut == timesOut, what);
        // The silent peer was asked and had not answered when the lookup ended.
        Assert.True(s.Queried > s.Answered + s.Failed, what);
        if (!timesOut) Assert.True(s.Converged && found.Peers.Count == servers.Count, $"{what}; {found.Peers.Count} of {servers.Count} found");
    }
}
