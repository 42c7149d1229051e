using System.Net;
using System.Text.Json.Nodes;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests;

/// <summary>
/// Everything the management API acknowledged survives <c>kill -9</c>: friends, protections and penalties are back
/// in the restarted node's status, on the default SQLite file and on a real PostgreSQL server.
/// </summary>
public sealed class PersistenceAcrossKillTests
{
    private const string ProtectionTag = "operator";
    private const double PenaltyAmount = 50;

    [Fact]
    public async Task Acknowledged_friends_protection_and_penalty_survive_kill_9_on_sqlite()
    {
        using var directories = new NodeDirectories();
        await AcknowledgedChangesSurviveKillAsync(directories);
    }

    [PostgreSqlFact]
    public async Task Acknowledged_friends_protection_and_penalty_survive_kill_9_on_postgresql()
    {
        using var schema = PostgreSqlSchema.Create();
        using var directories = new NodeDirectories(schema.PersistenceOverride);
        await AcknowledgedChangesSurviveKillAsync(directories);
    }

    private static async Task AcknowledgedChangesSurviveKillAsync(NodeDirectories directories)
    {
        var friends = Enumerable.Range(0, 3).Select(_ => TestPeers.UnreachableFriend()).ToList();
        string protectedPeer = TestPeers.NewPeerId();
        string penalizedPeer = TestPeers.NewPeerId();

        var (first, firstApi) = await NodeProcess.StartServingAsync(directories);
        using (first)
        using (var api = new ManagementApi(firstApi, directories.Token))
        {
            foreach (var (_, address) in friends)
                (await api.PostAsync("/api/friends", new { address })).Expect(HttpStatusCode.Created);
            (await api.PostAsync($"/api/peers/{protectedPeer}/protect", new { tag = ProtectionTag })).Expect(HttpStatusCode.OK);
            (await api.PostAsync($"/api/peers/{penalizedPeer}/penalty", new { amount = PenaltyAmount })).Expect(HttpStatusCode.OK);
            await first.KillHardAsync();
        }

        var (second, secondApi) = await NodeProcess.StartServingAsync(directories);
        using (second)
        using (var api = new ManagementApi(secondApi, directories.Token))
        {
            var peers = PeersById(await api.GetOkAsync("/api/status"), second);
            foreach (var (peer, _) in friends)
                Assert.True(peers.TryGetValue(peer, out var friend) && friend["isFriend"]!.GetValue<bool>(), $"friend {peer} is not back\n{second.Output}");
            Assert.True(peers.TryGetValue(protectedPeer, out var protectedStatus) && protectedStatus["isProtected"]!.GetValue<bool>(),
                $"protection of {protectedPeer} is not back\n{second.Output}");
            Assert.True(peers.TryGetValue(penalizedPeer, out var penalized), $"penalty of {penalizedPeer} is not back\n{second.Output}");
            double penalty = penalized["penalty"]!.GetValue<double>();
            Assert.InRange(penalty, double.Epsilon, PenaltyAmount);
        }
    }

    private static Dictionary<string, JsonNode> PeersById(JsonNode status, NodeProcess node)
    {
        var peers = status["peers"]?.AsArray() ?? throw new Xunit.Sdk.XunitException($"status without peers: {status.ToJsonString()}\n{node.Output}");
        return peers.Select(p => p!).ToDictionary(p => p["peerId"]!.GetValue<string>());
    }
}
