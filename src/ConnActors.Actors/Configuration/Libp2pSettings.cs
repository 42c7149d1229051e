using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Configuration;

/// <summary>Settings of the libp2p host.</summary>
public sealed record Libp2pSettings(
    IReadOnlyList<Multiaddr> Listen,
    TimeSpan DialTimeout,
    TimeSpan HandshakeTimeout,
    TimeSpan IdleBeforeHandshakeTimeout,
    TimeSpan WriteTimeout)
{
    internal static Libp2pSettings Read(HoconReader reader) => new(
        reader.Multiaddrs("libp2p.listen", requirePeerId: false),
        reader.PositiveDuration("libp2p.dial-timeout"),
        reader.PositiveDuration("libp2p.handshake-timeout"),
        reader.PositiveDuration("libp2p.idle-before-handshake-timeout"),
        reader.PositiveDuration("libp2p.write-timeout"));
}
