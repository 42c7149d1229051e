using System.Net;
using System.Net.Sockets;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Security;

/// <summary>
/// A flood of connections to the management API stops at <c>connactors.http.max-connections</c>: the API shares the
/// process's file descriptors with the libp2p host, so past the cap a new connection is closed at once, and the API
/// serves again as soon as the flood lets go.
/// </summary>
public sealed class ConnectionFloodTests
{
    private const int MaxConnections = 4;

    [Fact]
    public async Task Connections_past_the_cap_are_closed_at_once_and_the_api_serves_again_after_the_flood()
    {
        using var directories = new NodeDirectories($"connactors.http.max-connections = {MaxConnections}");
        var (node, api) = await NodeProcess.StartServingAsync(directories);
        using (node)
        using (var client = new ManagementApi(api))
        {
            var flood = new List<TcpClient>();
            try
            {
                // Idle connections that never send a request (well inside the 10 s header timeout).
                for (int i = 0; i < MaxConnections; i++)
                {
                    var held = new TcpClient();
                    flood.Add(held);
                    await held.ConnectAsync(api.Host, api.Port).WaitAsync(TimeSpan.FromSeconds(10));
                }
                await Task.Delay(500); // Kestrel counts a connection once it has taken it from the accept queue

                using var extra = new TcpClient();
                await extra.ConnectAsync(api.Host, api.Port).WaitAsync(TimeSpan.FromSeconds(10));
                var stream = extra.GetStream();
                await stream.WriteAsync("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
                var answer = await RawConnection.ReadUntilClosedAsync(stream, TimeSpan.FromSeconds(20), $"a connection past the cap of {MaxConnections}");
                Assert.Equal(0, answer.Length);
            }
            finally
            {
                foreach (var held in flood) held.Dispose();
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            string last = "no answer";
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    var answer = await client.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, "/api/health"));
                    if (answer.Status == HttpStatusCode.OK) return;
                    last = answer.Status.ToString();
                }
                catch (HttpRequestException e) { last = e.Message; }
                await Task.Delay(200);
            }
            Assert.Fail($"the API did not serve again within 20 s of the flood closing its connections: {last}");
        }
    }
}
