using Akka.Actor;

namespace ConnActors.Node.Http;

/// <summary>Finds the node's DHT: it runs beside the manager, named after it (ConnActorsNode), and is absent when <c>connactors.dht.enabled = off</c>.</summary>
internal static class DhtLocator
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The DHT actor, or null when the node runs none.</summary>
    public static async Task<IActorRef?> FindAsync(IActorRef manager, CancellationToken cancel)
    {
        try
        {
            return await new ActorSelection(manager, $"../{manager.Path.Name}-dht").ResolveOne(ResolveTimeout, cancel);
        }
        catch (ActorNotFoundException)
        {
            return null;
        }
    }
}
