using ConnActors.Libp2p.Host;
using ConnectionDirection = ConnActors.Policy.Admission.ConnectionDirection;
using ConnActors.Libp2p.Identity;
using ConnActors.Policy;
using ConnActors.Policy.Admission;

namespace ConnActors.Actors.Ledger;

/// <summary>Where a connection attempt stands, as the policy counts it.</summary>
internal enum ConnectionStage : byte
{
    /// <summary>Inbound, past the address gate, peer not yet known: a pending handshake.</summary>
    Handshaking,

    /// <summary>Inbound, past the peer gate, not yet open: counted as established.</summary>
    Admitted,

    /// <summary>Outbound, admitted before or at the peer gate, not yet open: a pending dial.</summary>
    Dialing,

    /// <summary>Open.</summary>
    Live,
}

/// <summary>One connection attempt the ledger holds, by the host's <see cref="ConnectionId"/>.</summary>
internal sealed class ConnectionRecord(ConnectionId id, ConnectionDirection direction, RemoteAddress address)
{
    public ConnectionId Id { get; } = id;

    public ConnectionDirection Direction { get; } = direction;

    public RemoteAddress Address { get; } = address;

    public ConnectionStage Stage { get; set; }

    /// <summary>When it passed its first gate (ms of the manager's clock).</summary>
    public long StartedMs { get; init; }

    /// <summary>The peer, once known (always for outbound; inbound after the peer gate).</summary>
    public PeerId? Peer { get; set; }

    public PeerKey Key { get; set; }

    /// <summary>A trim or reclaim chose this connection to close.</summary>
    public bool Closing { get; set; }

    /// <summary>The peer said bye on this connection (one is all a connection carries; see <see cref="ConnectionLedger.FirstByeOn"/>).</summary>
    public bool ByeReceived { get; set; }

    /// <summary>The bye of the trim that chose it (said when it opens, if it was not open yet).</summary>
    public Bye.ByeMessage? ClosingBye { get; set; }

    /// <summary>Counted by the policy as an established connection (admitted inbound or open).</summary>
    public bool CountedEstablished => Stage == ConnectionStage.Live || Stage == ConnectionStage.Admitted;
}
