using System.Buffers.Binary;

namespace ConnActors.Libp2p.Noise;

/// <summary>Noise messages on the wire: a 2-byte big-endian length, then the message (at most 65535 bytes).</summary>
internal static class NoiseFraming
{
    public const int MaxFrameLength = 65535;

    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        if (message.Length > MaxFrameLength) throw new ArgumentException("noise message longer than 65535 bytes");
        var frame = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)message.Length);
        message.CopyTo(frame.AsMemory(2));
        await stream.WriteAsync(frame, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads one handshake message of at most <paramref name="maxLength"/> bytes.</summary>
    /// <exception cref="NoiseException">Truncated or oversized.</exception>
    public static async Task<byte[]> ReadAsync(Stream stream, int maxLength, string what, CancellationToken ct)
    {
        var prefix = new byte[2];
        try
        {
            await stream.ReadExactlyAsync(prefix, ct).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
            if (length > maxLength) throw new NoiseException($"{what} of {length} bytes exceeds its limit of {maxLength}");
            var message = new byte[length];
            await stream.ReadExactlyAsync(message, ct).ConfigureAwait(false);
            return message;
        }
        catch (EndOfStreamException e)
        {
            throw new NoiseException($"connection ended inside {what}", e);
        }
    }
}
