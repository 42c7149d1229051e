using Akka.Actor;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Kad;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>ConnActors nodes with the DHT for tests: settings, keys, asks with bounded waits.</summary>
internal static class DhtNodes
{
    public static readonly TimeSpan Ask = TimeSpan.FromSeconds(60);

    /// <summary>A node's settings: DHT in server mode, bootstrapped to <paramref name="bootstrap"/>.</summary>
    public static Configuration.ConnActorsSettings Settings(IEnumerable<Multiaddr> bootstrap, string overrides = "", string mode = "server") =>
        NodeSettings.From($$"""
            connactors.dht {
              mode = {{mode}}
              bootstrap = [{{string.Join(", ", bootstrap.Select(a => $"\"{a}\""))}}]
              request-timeout = 5s
              lookup-timeout = 30s
            }
            {{overrides}}
            """);

    /// <summary>A provider key as IPFS uses them: a sha2-256 multihash.</summary>
    public static byte[] RandomKey() => [0x12, 0x20, .. System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)];

    public static IActorRef DhtOf(ConnActorsNode node) => node.Dht ?? throw new InvalidOperationException("the node runs no DHT");

    public static Task<DhtStatus> StatusAsync(ConnActorsNode node) => DhtOf(node).Ask<DhtStatus>(GetDhtStatus.Instance, Ask);

    public static Task<T> AskAsync<T>(ConnActorsNode node, object message) => DhtOf(node).Ask<T>(message, Ask);

    /// <summary>Waits until the node's routing table holds <paramref name="size"/> peers.</summary>
    public static Task WaitForRoutingTableAsync(ConnActorsNode node, int size, TimeSpan timeout) =>
        Eventually.HoldsAsync(async () => (await StatusAsync(node)).RoutingTableSize >= size, timeout,
            async () => $"routing table of {node.Host.PeerId} holds {(await StatusAsync(node)).RoutingTableSize} peers, wanted {size}");

    /// <summary>A node's connections, bursts, lookups, refusals, trims and quotas, for a failed assertion's message.</summary>
    public static async Task<string> DescribeAsync(ConnActorsNode node)
    {
        var status = await NodeFixture.StatusAsync(node);
        var dht = await StatusAsync(node);
        return $"{status.Counts.Connections} connections, {status.ActiveBursts} bursts, {dht.LookupsRunning} lookups running, " +
            $"refusals [{string.Join(", ", status.RefusalsByReason)}], trims [{string.Join(", ", status.TrimsByReason)}], " +
            $"quotas [{string.Join(", ", status.Quotas.Select(q => $"{q.Name} {q.Used}/{q.Maximum}"))}], cap {status.Counts.HardCap}";
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static Multiaddr ListenAddress(ConnActorsNode node) => node.Host.ListenAddresses[0];

    public static KadPeer AsPeer(ConnActorsNode node) => new(node.Host.PeerId, node.Host.ListenAddresses);
}
