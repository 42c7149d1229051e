namespace ConnActors.Libp2p.Encoding;

/// <summary>One field of a protobuf message: a varint value or a length-delimited payload.</summary>
public readonly record struct ProtoField(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

/// <summary>A minimal protobuf reader; unknown fields of known wire types are returned and may be ignored.</summary>
public static class ProtoReader
{
    /// <exception cref="FormatException">Malformed message.</exception>
    public static List<ProtoField> ReadAll(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtoField>();
        var pos = 0;
        while (pos < message.Length)
        {
            var key = Varint.Read(message.Span[pos..], out var n);
            pos += n;
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            if (number == 0) throw new FormatException("protobuf field number 0");
            switch (wireType)
            {
                case 0:
                    var v = Varint.Read(message.Span[pos..], out n);
                    pos += n;
                    fields.Add(new ProtoField(number, 0, v, default));
                    break;
                case 2:
                    var len = Varint.Read(message.Span[pos..], out n);
                    pos += n;
                    if (len > (ulong)(message.Length - pos)) throw new FormatException("protobuf field longer than message");
                    fields.Add(new ProtoField(number, 2, 0, message.Slice(pos, (int)len)));
                    pos += (int)len;
                    break;
                case 1:
                    if (message.Length - pos < 8) throw new FormatException("truncated fixed64");
                    pos += 8;
                    break;
                case 5:
                    if (message.Length - pos < 4) throw new FormatException("truncated fixed32");
                    pos += 4;
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {wireType}");
            }
        }
        return fields;
    }
}
