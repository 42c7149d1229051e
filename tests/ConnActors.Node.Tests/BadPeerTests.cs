using System.Net.Sockets;
using System.Text.RegularExpressions;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests;

/// <summary>What an operator sees of peers that send garbage to the node's libp2p port.</summary>
public sealed partial class BadPeerTests(ServingNode node) : IClassFixture<ServingNode>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Inbound_connections_that_fail_their_handshake_are_counted_and_the_node_keeps_serving()
    {
        // They left no trace in the status, the metrics or the log at its default level (probe, 1 Dec 2026).
        var status = await node.Api.GetOkAsync("/api/status");
        long before = status["failedInboundHandshakes"]!.GetValue<long>();
        var port = int.Parse(ListenPort().Match(status["listenAddresses"]![0]!.GetValue<string>()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        for (int i = 0; i < 3; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Bound);
            var stream = tcp.GetStream();
            // A multistream length prefix longer than its two bytes: refused as soon as it is read.
            await stream.WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0x01 }).AsTask().WaitAsync(Bound);
            await RawConnection.ReadUntilClosedAsync(stream, Bound, "a connection that sent garbage");
        }

        long counted = before;
        using var deadline = new CancellationTokenSource(Bound);
        while (counted < before + 3)
        {
            await Task.Delay(200, deadline.Token);
            counted = (await node.Api.GetOkAsync("/api/status"))["failedInboundHandshakes"]!.GetValue<long>();
        }
        var metrics = (await node.Api.GetAsync("/metrics")).Json!.GetValue<string>();
        var scraped = FailedMetric().Match(metrics);
        Assert.True(scraped.Success, metrics);
        Assert.True(double.Parse(scraped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= before + 3, scraped.Value);
        Assert.Equal("healthy", (await node.Api.GetOkAsync("/api/health"))["status"]!.GetValue<string>());
    }

    [GeneratedRegex(@"/tcp/(\d+)")]
    private static partial Regex ListenPort();

    [GeneratedRegex(@"(?m)^connactors_inbound_handshakes_failed_total (\S+)$")]
    private static partial Regex FailedMetric();
}
