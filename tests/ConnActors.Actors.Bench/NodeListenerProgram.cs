using Akka.Actor;
using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Libp2p.Tests.Bench;

namespace ConnActors.Actors.Bench;

/// <summary>
/// A whole ConnActors node (manager, PeerActors, supervisors, dial queue, libp2p host) in its own process,
/// driven over the JSON-line protocol of tests/interop/peer.mjs, so its memory is measured alone.
/// <c>hold</c> sets the hard cap so that its connections stay below low water: nothing is trimmed.
/// </summary>
internal static class NodeListenerProgram
{
    public static async Task RunAsync(int hardCap)
    {
        using var system = ActorSystem.Create("node", "akka.loglevel = WARNING\nakka.log-dead-letters = off");
        var settings = ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString($$"""
            connactors {
              profile = server
              limits { hard-cap = {{hardCap}}, max-pending-handshakes = 256 }
              libp2p {
                listen = ["/ip4/127.0.0.1/tcp/0"]
                handshake-timeout = 60s
                idle-before-handshake-timeout = 60s
              }
            }
            """));
        await using var node = await ConnActorsNode.StartAsync(system, settings, PrivateKey.Generate());
        await JsonLineListener.ServeAsync(node.Host.PeerId, node.Host.ListenAddresses, async (command, reply) =>
        {
            switch (command)
            {
                case "connectionCount":
                    reply["count"] = node.Host.Connections.Count;
                    return true;
                case "status":
                    var status = await node.Manager.Ask<ManagerStatus>(GetManagerStatus.Instance, TimeSpan.FromSeconds(30));
                    reply["connections"] = status.Counts.Connections;
                    reply["peers"] = status.Peers.Count(p => p.Inbound + p.Outbound > 0);
                    reply["refused"] = status.RefusalsByReason.Values.Sum();
                    reply["trimmed"] = status.TrimsByReason.Values.Sum();
                    return true;
                default:
                    return false;
            }
        });
    }
}
