namespace ConnActors.Libp2p.Encoding;

/// <summary>Unsigned LEB128 varints as used by multiformats and protobuf.</summary>
public static class Varint
{
    /// <summary>Most bytes a 64-bit varint may take.</summary>
    public const int MaxLength = 10;

    public static int SizeOf(ulong value)
    {
        var n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }

    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    public static byte[] Encode(ulong value)
    {
        var bytes = new byte[SizeOf(value)];
        Write(bytes, value);
        return bytes;
    }

    /// <summary>Reads a varint; returns false when <paramref name="source"/> ends before it does.</summary>
    /// <exception cref="FormatException">The varint is longer than 64 bits.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int consumed)
    {
        value = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (i >= MaxLength) throw new FormatException("varint longer than 10 bytes");
            var b = source[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                consumed = i + 1;
                return true;
            }
        }
        consumed = 0;
        return false;
    }

    /// <exception cref="FormatException">Truncated or too long.</exception>
    public static ulong Read(ReadOnlySpan<byte> source, out int consumed)
    {
        if (!TryRead(source, out var value, out consumed)) throw new FormatException("truncated varint");
        return value;
    }

    /// <summary>Reads a varint from a stream one byte at a time, so nothing past it is consumed.</summary>
    /// <returns>The value, or null when the stream ends before the first byte.</returns>
    public static async ValueTask<ulong?> ReadAsync(Stream stream, int maxBytes, CancellationToken ct)
    {
        var one = new byte[1];
        ulong value = 0;
        for (var i = 0; ; i++)
        {
            if (i >= maxBytes) throw new FormatException($"varint longer than {maxBytes} bytes");
            var n = await stream.ReadAsync(one, ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (i == 0) return null;
                throw new EndOfStreamException("stream ended inside a varint");
            }
            value |= (ulong)(one[0] & 0x7F) << (7 * i);
            if (one[0] < 0x80) return value;
        }
    }
}
