using System.Buffers.Binary;

namespace ConnActors.Libp2p.Yamux;

internal enum YamuxFrameType : byte
{
    Data = 0,
    WindowUpdate = 1,
    Ping = 2,
    GoAway = 3,
}

[Flags]
internal enum YamuxFlags : ushort
{
    None = 0,
    Syn = 1,
    Ack = 2,
    Fin = 4,
    Rst = 8,
}

/// <summary>GoAway codes of the yamux spec.</summary>
public enum YamuxGoAwayCode : uint
{
    Normal = 0,
    ProtocolError = 1,
    InternalError = 2,
}

/// <summary>The 12-byte yamux frame header (all fields big-endian).</summary>
internal readonly record struct YamuxHeader(byte Version, YamuxFrameType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    public const int Size = 12;

    public static YamuxHeader Read(ReadOnlySpan<byte> b) => new(
        b[0], (YamuxFrameType)b[1], (YamuxFlags)BinaryPrimitives.ReadUInt16BigEndian(b[2..]),
        BinaryPrimitives.ReadUInt32BigEndian(b[4..]), BinaryPrimitives.ReadUInt32BigEndian(b[8..]));

    public void Write(Span<byte> b)
    {
        b[0] = Version;
        b[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)Flags);
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], Length);
    }
}
