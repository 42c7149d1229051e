using System.Diagnostics;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Actors.Tests.Storm;

/// <summary>
/// A node on the desktop profile (24 pending-handshake slots) under a slowloris from 300 loopback
/// addresses in two /24s, silent or trickling a byte a second: a real js-libp2p peer from 127.0.0.1 still
/// connects and pings, because a full pending table gives the slot of the subnet holding the most to a
/// newcomer from a subnet holding fewer.
/// </summary>
[Collection("js-libp2p")]
public class SlowlorisTests : Akka.TestKit.Xunit2.TestKit
{
    private const int Attackers = 300;
    private const int Attempts = 10;

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public SlowlorisTests(Xunit.Abstractions.ITestOutputHelper output) : base("akka.loglevel = WARNING\nakka.log-dead-letters = off", output) => _output = output;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_js_peer_connects_and_pings_during_a_slowloris_from_300_addresses(bool trickle)
    {
        await using var nodes = new NodeFixture(Sys);
        var node = await nodes.StartAsync(NodeSettings.From("connactors.profile = desktop"));
        var target = node.Host.ListenAddresses[0].ToTcpEndPoint()!;
        await using var js = await PeerProcess.StartJsAsync();
        await using (var attack = new LoopbackSlowloris(target, Attackers, trickle))
        {
            await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Counts.PendingInbound >= 20, TimeSpan.FromSeconds(30),
                async () => $"the attack fills the pending-handshake table: {(await NodeFixture.StatusAsync(node)).Counts}");
            int succeeded = 0;
            var latencies = new List<double>();
            var errors = new List<string>();
            for (int i = 0; i < Attempts; i++)
            {
                var watch = Stopwatch.StartNew();
                var reply = await js.TryRunAsync("ping", new { addr = NodeFixture.AddressOf(node).ToString() });
                if (reply["ok"]!.GetValue<bool>())
                {
                    succeeded++;
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }
                else errors.Add(reply["error"]?.ToString() ?? "?");
                await js.TryRunAsync("hangup", new { peer = node.Host.PeerId.ToString() });
            }
            var status = await NodeFixture.StatusAsync(node);
            _output.WriteLine($"{(trickle ? "trickling" : "silent")}: {succeeded}/{Attempts} pings, latencies {string.Join(", ", latencies.Select(l => $"{l:F0} ms"))}; " +
                $"attack opened {attack.Opened} connections; refusals {string.Join(", ", status.RefusalsByReason.Select(r => $"{r.Key}={r.Value}"))}; errors: {string.Join(" | ", errors)}");
            Assert.True(succeeded >= 9, $"{succeeded}/{Attempts} pings got through; errors: {string.Join(" | ", errors)}");
            Assert.True(status.RefusalsByReason.GetValueOrDefault("PendingHandshakeEvicted") > 0, "the honest peer got its slots by eviction");
        }
    }
}
