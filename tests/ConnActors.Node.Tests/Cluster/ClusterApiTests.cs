using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cluster;

/// <summary>
/// <c>GET /api/cluster</c> and the refusals of <c>POST /api/cluster/leave|down</c> against two node processes that
/// formed a cluster with the node's own flags: each lists both members and the site's split; bad addresses are a
/// 400 naming the field; the changes follow the API's security rules; a node outside a cluster answers 404.
/// </summary>
[Collection(TwoNodeFleetCollection.Name)]
public sealed class ClusterApiTests(TwoNodeFleet fleet)
{
    [Fact]
    public async Task Each_member_lists_both_members_and_the_site_split()
    {
        var nodes = fleet.Fleet.Nodes;
        string[] addresses = [.. nodes.Select(n => n.ClusterAddress).Order(StringComparer.Ordinal)];
        // A member's hard cap in /api/cluster is the one it last published (every second): wait until both caught up.
        await fleet.Fleet.WaitUntilAsync(async () =>
        {
            foreach (var node in nodes)
            {
                var members = (await node.ClusterAsync())["members"]!.AsArray();
                foreach (var other in nodes)
                {
                    if (members.Single(m => m!["address"]!.GetValue<string>() == other.ClusterAddress)!["hardCap"]!.GetValue<int>() != await other.HardCapAsync()) return false;
                }
            }
            return true;
        }, "both members publishing the hard caps their /api/status shows", TimeSpan.FromSeconds(30));

        foreach (var node in nodes)
        {
            var cluster = await node.ClusterAsync();
            Assert.Equal(node.ClusterAddress, cluster["self"]!.GetValue<string>());
            var members = cluster["members"]!.AsArray();
            Assert.Equal(addresses, members.Select(m => m!["address"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            foreach (var member in members)
            {
                Assert.Equal("Up", member!["status"]!.GetValue<string>());
                Assert.Equal(["cluster"], member["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
                Assert.Equal("lab", member["site"]!.GetValue<string>());
                Assert.True(member["reachable"]!.GetValue<bool>());
                Assert.True(member["connections"]!.GetValue<int>() >= 0);
            }
            var site = Assert.Single(cluster["sites"]!.AsArray())!;
            Assert.Equal("lab", site["name"]!.GetValue<string>());
            Assert.Equal(fleet.Fleet.Budget, site["budget"]!.GetValue<int>());
            var allocations = site["allocations"]!.AsObject();
            Assert.Equal(addresses, allocations.Select(a => a.Key).Order(StringComparer.Ordinal));
            Assert.Equal(fleet.Fleet.Budget, allocations.Sum(a => a.Value!.GetValue<int>()));
            Assert.All(members, m => Assert.Equal(allocations[m!["address"]!.GetValue<string>()]!.GetValue<int>(), m["hardCap"]!.GetValue<int>()));
        }
    }

    [Fact]
    public async Task Reading_the_cluster_on_loopback_needs_no_token()
    {
        using var anonymous = new ManagementApi(fleet.First.Api.BaseAddress);

        var cluster = await anonymous.GetOkAsync("/api/cluster");

        Assert.Equal(2, cluster["members"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("{}", "'address' is required")]
    [InlineData("{\"address\": 4053}", "'address' must be a string")]
    [InlineData("{\"address\": \"  \"}", "'address' must not be empty")]
    [InlineData("{\"address\": \"nonsense\"}", "'address' must be a member's address")]
    [InlineData("{\"address\": \"akka.tcp://connactors@127.0.0.1:1\"}", "'address' akka.tcp://connactors@127.0.0.1:1 is not a member of this cluster")]
    [InlineData("{\"address\": \"127.0.0.1:1\"}", "'address' 127.0.0.1:1 is not a member of this cluster")]
    [InlineData("[]", "the body must be a JSON object")]
    public async Task Down_with_a_bad_address_is_a_400_naming_the_field(string body, string error)
    {
        var answer = await fleet.First.Api.PostRawAsync("/api/cluster/down", body);

        Assert.Contains(error, answer.BadRequestError(), StringComparison.Ordinal);
        await AssertBothStillUpAsync();
    }

    [Fact]
    public async Task Down_of_an_actor_path_or_of_this_node_is_refused()
    {
        var first = fleet.First;
        var path = await first.Api.PostAsync("/api/cluster/down", new { address = fleet.Second.ClusterAddress + "/user/negotiator" });
        var self = await first.Api.PostAsync("/api/cluster/down", new { address = first.ClusterAddress });
        var selfByHostPort = await first.Api.PostAsync("/api/cluster/down", new { address = first.ClusterAddress[(first.ClusterAddress.IndexOf('@') + 1)..] });

        Assert.Contains("'address' must be a member's address", path.BadRequestError(), StringComparison.Ordinal);
        Assert.Contains("is this node", self.BadRequestError(), StringComparison.Ordinal);
        Assert.Contains("POST /api/cluster/leave", selfByHostPort.BadRequestError(), StringComparison.Ordinal);
        await AssertBothStillUpAsync();
    }

    [Fact]
    public async Task Leave_and_down_follow_the_api_security_rules()
    {
        var api = fleet.First.Api;
        string target = JsonSerializerAddress(fleet.Second.ClusterAddress);

        (await api.SendRawAsync(Json(HttpMethod.Post, "/api/cluster/leave", "{}"))).Expect(HttpStatusCode.Unauthorized);
        (await api.SendRawAsync(Json(HttpMethod.Post, "/api/cluster/down", target))).Expect(HttpStatusCode.Unauthorized);
        var wrongToken = Json(HttpMethod.Post, "/api/cluster/down", target);
        wrongToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string('A', fleet.First.Directories.Token.Length));
        (await api.SendRawAsync(wrongToken)).Expect(HttpStatusCode.Unauthorized);
        var textPlain = Authorized(new HttpRequestMessage(HttpMethod.Post, "/api/cluster/leave") { Content = new StringContent("{}", Encoding.UTF8, "text/plain") });
        (await api.SendRawAsync(textPlain)).Expect(HttpStatusCode.UnsupportedMediaType);
        var crossSite = Authorized(Json(HttpMethod.Post, "/api/cluster/down", target));
        crossSite.Headers.Add("Origin", "http://evil.example");
        (await api.SendRawAsync(crossSite)).Expect(HttpStatusCode.Forbidden);
        var rebound = Authorized(Json(HttpMethod.Post, "/api/cluster/leave", "{}"));
        rebound.Headers.Host = $"evil.example:{api.BaseAddress.Port}";
        (await api.SendRawAsync(rebound)).Expect(HttpStatusCode.MisdirectedRequest);

        await AssertBothStillUpAsync();
    }

    [Fact]
    public async Task A_node_outside_a_cluster_answers_404_saying_how_to_join()
    {
        await using var standalone = await StartedNode.StartAsync();

        var read = await standalone.Api.GetAsync("/api/cluster");
        var leave = await standalone.Api.PostAsync("/api/cluster/leave");
        var down = await standalone.Api.PostAsync("/api/cluster/down", new { address = fleet.First.ClusterAddress });

        foreach (var answer in new[] { read, leave, down })
        {
            answer.Expect(HttpStatusCode.NotFound);
            Assert.Contains("not a member of a cluster (start it with --cluster-port", answer.Json!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    private async Task AssertBothStillUpAsync()
    {
        foreach (var node in fleet.Fleet.Nodes)
        {
            var members = (await node.ClusterAsync())["members"]!.AsArray();
            Assert.Equal(2, members.Count(m => m!["status"]!.GetValue<string>() == "Up"));
        }
    }

    private HttpRequestMessage Authorized(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fleet.First.Directories.Token);
        return request;
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string body) =>
        new(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static string JsonSerializerAddress(string address) => new JsonObject { ["address"] = address }.ToJsonString();
}
