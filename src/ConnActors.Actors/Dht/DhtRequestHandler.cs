using Akka.Actor;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;

namespace ConnActors.Actors.Dht;

/// <summary>The stream handler's side of the DhtActor: asks it for each answer, never blocking an actor.</summary>
internal sealed class DhtRequestHandler(IActorRef dht, TimeSpan timeout) : IKadRequestHandler
{
    public async Task<KadAnswer> HandleAsync(Libp2pConnection connection, Message request, CancellationToken ct)
    {
        try
        {
            return await dht.Ask<KadAnswer>(new ServeRequest(connection, request), timeout, ct).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return KadAnswer.Refuse("dht busy", badInput: false);
        }
    }

    public void BadInput(PeerId peer, string reason) => dht.Tell(new InboundBadInput(peer, reason));

    public void StreamEnded(PeerId peer) => dht.Tell(new InboundStreamEnded(peer));
}
