using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Host;

/// <summary>
/// The host's gates, answered by the connection manager actor (which owns the policy), so admission
/// happens before a handshake or stream costs anything. A manager that does not answer in time is a
/// refusal: under overload the node sheds new work rather than queueing it.
/// </summary>
internal sealed class ManagerGate : IConnectionGate
{
    private readonly IActorRef _manager;
    private readonly TimeSpan _timeout;

    public ManagerGate(IActorRef manager, TimeSpan timeout)
    {
        _manager = manager;
        _timeout = timeout;
    }

    public ValueTask<GateDecision> BeforeHandshakeAsync(ConnectionId id, Multiaddr remote, ConnectionDirection direction) =>
        direction == ConnectionDirection.Outbound ? ValueTask.FromResult(GateDecision.Allow) : Ask(new CheckInboundAddress(id, remote));

    public ValueTask<GateDecision> AfterSecurityAsync(ConnectionId id, PeerId peer, Multiaddr remote, ConnectionDirection direction) =>
        Ask(direction == ConnectionDirection.Inbound ? new CheckInboundPeer(id, peer, remote) : new CheckOutboundPeer(id, peer, remote));

    public ValueTask<GateDecision> InboundStreamAsync(Libp2pConnection connection, string protocol) =>
        Ask(new CheckInboundStream(connection.Id, protocol));

    private async ValueTask<GateDecision> Ask(object question)
    {
        try
        {
            return await _manager.Ask<GateDecision>(question, _timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return GateDecision.Refuse("connection manager busy");
        }
    }
}
