using System.Net;
using System.Net.Http.Headers;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Security;

/// <summary>An API bound to a non-loopback (wildcard) address: every request needs the token, reads included; the token survives a restart.</summary>
public sealed class NonLoopbackApiTests
{
    [Fact]
    public async Task Every_request_needs_the_token_and_the_token_survives_a_restart()
    {
        using var directories = new NodeDirectories();
        string token;
        var (first, firstApi) = await NodeProcess.StartServingAsync(directories, "http://0.0.0.0:0");
        using (first)
        using (var anonymous = new ManagementApi(firstApi))
        {
            token = directories.Token;
            var read = await anonymous.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/api/status"));
            read.Expect(HttpStatusCode.Unauthorized);
            var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/health");
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token[..^1] + (token[^1] == 'A' ? 'B' : 'A'));
            (await anonymous.SendRawAsync(wrong)).Expect(HttpStatusCode.Unauthorized);

            using var operatorApi = new ManagementApi(firstApi, token);
            (await operatorApi.GetAsync("/api/status")).Expect(HttpStatusCode.OK);
            (await operatorApi.PostAsync("/api/trim")).Expect(HttpStatusCode.OK);
            await first.KillHardAsync();
        }

        var (second, secondApi) = await NodeProcess.StartServingAsync(directories, "http://0.0.0.0:0");
        using (second)
        using (var operatorApi = new ManagementApi(secondApi, token))
        {
            Assert.Equal(token, directories.Token);
            await second.WaitForStdoutAsync(new("http management API token read from "), NodeProcess.StartTimeout);
            (await operatorApi.GetAsync("/api/status")).Expect(HttpStatusCode.OK);
        }
    }
}
