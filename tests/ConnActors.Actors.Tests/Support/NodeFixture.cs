using Akka.Actor;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Tests.Support;

/// <summary>Starts ConnActors nodes in one actor system and cleans them up.</summary>
internal sealed class NodeFixture : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly List<ConnActorsNode> _nodes = new();
    private int _count;

    public NodeFixture(ActorSystem system) => _system = system;

    public async Task<ConnActorsNode> StartAsync(ConnActorsSettings settings, PrivateKey? identity = null, Actors.Time.IClock? clock = null)
    {
        var node = await ConnActorsNode.StartAsync(_system, settings, identity ?? PrivateKey.Generate(), clock, name: $"manager-{++_count}");
        _nodes.Add(node);
        return node;
    }

    public static Multiaddr AddressOf(ConnActorsNode node) => node.Host.ListenAddresses[0].WithPeerId(node.Host.PeerId);

    public static Task<ManagerStatus> StatusAsync(ConnActorsNode node) =>
        node.Manager.Ask<ManagerStatus>(GetManagerStatus.Instance, TimeSpan.FromSeconds(5));

    public async Task StopAsync(ConnActorsNode node)
    {
        _nodes.Remove(node);
        await node.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        _nodes.Clear();
    }
}
