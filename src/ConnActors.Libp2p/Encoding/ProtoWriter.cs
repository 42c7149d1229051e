namespace ConnActors.Libp2p.Encoding;

/// <summary>A minimal protobuf writer: varint and length-delimited fields, nothing else is needed here.</summary>
public sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public ProtoWriter WriteVarint(int field, ulong value)
    {
        WriteRaw((ulong)field << 3);
        WriteRaw(value);
        return this;
    }

    public ProtoWriter WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteRaw(((ulong)field << 3) | 2);
        WriteRaw((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter WriteString(int field, string value) => WriteBytes(field, System.Text.Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _buffer.ToArray();

    private void WriteRaw(ulong value)
    {
        Span<byte> tmp = stackalloc byte[Varint.MaxLength];
        _buffer.Write(tmp[..Varint.Write(tmp, value)]);
    }
}
