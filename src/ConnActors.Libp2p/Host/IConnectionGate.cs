using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Libp2p.Host;

/// <summary>
/// Hooks where a connection manager admits or refuses. Every method defaults to allow; implement
/// the ones you need. They run on I/O paths: answer quickly and never block.
/// </summary>
public interface IConnectionGate
{
    /// <summary>Before any handshake byte: inbound right after accept, outbound before the TCP dial.</summary>
    ValueTask<GateDecision> BeforeHandshakeAsync(ConnectionId id, Multiaddr remote, ConnectionDirection direction) => ValueTask.FromResult(GateDecision.Allow);

    /// <summary>
    /// After Noise: the remote peer is authenticated, the muxer not yet negotiated. An outbound attempt that
    /// tries several addresses may ask again under the same <paramref name="id"/>.
    /// </summary>
    ValueTask<GateDecision> AfterSecurityAsync(ConnectionId id, PeerId peer, Multiaddr remote, ConnectionDirection direction) => ValueTask.FromResult(GateDecision.Allow);

    /// <summary>An inbound stream negotiated <paramref name="protocol"/>; refusing resets it.</summary>
    ValueTask<GateDecision> InboundStreamAsync(Libp2pConnection connection, string protocol) => ValueTask.FromResult(GateDecision.Allow);
}

/// <summary>Admits everything.</summary>
public sealed class AllowAllGate : IConnectionGate
{
    public static readonly AllowAllGate Instance = new();
}
