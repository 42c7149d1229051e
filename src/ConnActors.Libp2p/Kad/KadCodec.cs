using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Libp2p.Protocols;
using Google.Protobuf;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// The spec's framing: each message is protobuf prefixed by its length as an unsigned varint. A message
/// over the size limit is refused from its prefix, before its bytes are buffered.
/// </summary>
public static class KadCodec
{
    /// <summary>Reads one message; null at a clean end of stream.</summary>
    /// <exception cref="KadProtocolException">Oversized, truncated, not protobuf, of an unknown type, or with too many peers.</exception>
    public static async Task<Message?> ReadAsync(Stream stream, KadLimits limits, CancellationToken ct)
    {
        byte[]? bytes;
        try
        {
            bytes = await LengthPrefixed.ReadAsync(stream, limits.MaxMessageSize, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new KadProtocolException(e.Message, e);
        }
        return bytes is null ? null : Parse(bytes, limits);
    }

    /// <summary>Parses and checks one message body.</summary>
    /// <exception cref="KadProtocolException">Not protobuf, of an unknown type, or with too many peers.</exception>
    public static Message Parse(byte[] bytes, KadLimits limits)
    {
        Message message;
        try
        {
            message = Message.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new KadProtocolException($"malformed protobuf: {e.Message}", e);
        }
        if (!Enum.IsDefined(message.Type)) throw new KadProtocolException($"unknown message type {(int)message.Type}");
        int peers = message.CloserPeers.Count + message.ProviderPeers.Count;
        if (peers > limits.MaxPeersPerMessage)
            throw new KadProtocolException($"{peers} peer entries in one message, more than the limit of {limits.MaxPeersPerMessage}");
        if (message.Key.Length > limits.MaxKeyLength)
            throw new KadProtocolException($"key of {message.Key.Length} bytes, more than the limit of {limits.MaxKeyLength}");
        return message;
    }

    /// <summary>Writes one framed message.</summary>
    public static Task WriteAsync(Stream stream, Message message, CancellationToken ct) =>
        LengthPrefixed.WriteAsync(stream, message.ToByteArray(), ct);
}
