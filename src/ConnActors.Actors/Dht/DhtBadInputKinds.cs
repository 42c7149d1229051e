namespace ConnActors.Actors.Dht;

/// <summary>The kinds of bad input the DHT counts (<see cref="DhtCounters.BadInput"/>); each costs the sender a penalty.</summary>
public static class DhtBadInputKinds
{
    public const string OversizedMessage = "oversized message";
    public const string UnknownMessageType = "unknown message type";
    public const string MalformedProtobuf = "malformed protobuf";
    public const string ProviderFlood = "provider flood";
    public const string MalformedPeerAddress = "malformed peer address";
    public const string TooManyPeers = "too many peers";
    public const string ProtocolViolation = "protocol violation";

    /// <summary>Requests sent on a stream whose responses the peer left unread past the idle timeout.</summary>
    public const string UnreadResponses = "unread responses";

    /// <summary>An answer to our query that broke the protocol.</summary>
    public const string BadAnswer = "bad answer";

    /// <summary>An invalid /pk/ record in a GET_VALUE answer.</summary>
    public const string InvalidRecord = "invalid record";

    public static IReadOnlyList<string> All { get; } =
        [OversizedMessage, UnknownMessageType, MalformedProtobuf, ProviderFlood, MalformedPeerAddress, TooManyPeers, ProtocolViolation, UnreadResponses, BadAnswer,
            InvalidRecord];
}
