using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Host;

/// <summary>What a protocol handler gets for one inbound stream.</summary>
public sealed record StreamContext(Libp2pConnection Connection, YamuxStream Stream, string Protocol, CancellationToken HostStopping);
