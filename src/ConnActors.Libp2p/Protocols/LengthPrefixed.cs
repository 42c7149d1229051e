using ConnActors.Libp2p.Encoding;

namespace ConnActors.Libp2p.Protocols;

/// <summary>uvarint-length-prefixed messages, as identify and other libp2p protocols frame protobufs.</summary>
public static class LengthPrefixed
{
    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        var frame = new byte[Varint.SizeOf((ulong)message.Length) + message.Length];
        var n = Varint.Write(frame, (ulong)message.Length);
        message.CopyTo(frame.AsMemory(n));
        await stream.WriteAsync(frame, ct).ConfigureAwait(false);
    }

    /// <returns>The message, or null at a clean end of stream.</returns>
    /// <exception cref="InvalidDataException">Longer than <paramref name="maxLength"/> or truncated.</exception>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxLength, CancellationToken ct)
    {
        ulong? length;
        try { length = await Varint.ReadAsync(stream, 5, ct).ConfigureAwait(false); }
        catch (FormatException e) { throw new InvalidDataException("bad length prefix: " + e.Message, e); }
        catch (EndOfStreamException e) { throw new InvalidDataException("stream ended inside a length prefix", e); }
        if (length is null) return null;
        if (length > (ulong)maxLength) throw new InvalidDataException($"message of {length} bytes exceeds the limit of {maxLength}");
        var message = new byte[(int)length];
        try { await stream.ReadExactlyAsync(message, ct).ConfigureAwait(false); }
        catch (EndOfStreamException e) { throw new InvalidDataException("stream ended inside a message", e); }
        return message;
    }
}
