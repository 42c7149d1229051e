using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>Settings of the libp2p host.</summary>
public sealed record Libp2pSettings(
    IReadOnlyList<Multiaddr> Listen,
    TimeSpan DialTimeout,
    TimeSpan HandshakeTimeout,
    TimeSpan IdleBeforeHandshakeTimeout,
    TimeSpan WriteTimeout,
    TimeSpan UnacknowledgedDataTimeout,
    bool ResetOnClose,
    TimeSpan ResetAcknowledgementWait)
{
    internal static Libp2pSettings Read(HoconReader reader) => new(
        reader.Multiaddrs("libp2p.listen", requirePeerId: false),
        reader.PositiveDuration("libp2p.dial-timeout"),
        reader.PositiveDuration("libp2p.handshake-timeout"),
        reader.PositiveDuration("libp2p.idle-before-handshake-timeout"),
        reader.PositiveDuration("libp2p.write-timeout"),
        ReadUnacknowledgedDataTimeout(reader),
        reader.Bool("libp2p.reset-on-close"),
        reader.PositiveDuration("libp2p.reset-acknowledgement-wait"));

    // The host's range (HostOptions), refused here naming the key.
    private static TimeSpan ReadUnacknowledgedDataTimeout(HoconReader reader)
    {
        const string key = "libp2p.unacknowledged-data-timeout";
        var value = reader.Duration(key);
        if (value < HostOptions.MinUnacknowledgedDataTimeout || value > HostOptions.MaxUnacknowledgedDataTimeout)
            throw new PolicyConfigurationException(reader.Key(key), $"must be between 1s and 24d, was {value}");
        return value;
    }
}
