using ConnActors.Libp2p.Encoding;

namespace ConnActors.Libp2p.Identity;

/// <summary>Reads the shared shape of the PublicKey and PrivateKey protobufs.</summary>
internal static class KeyProtobuf
{
    public static (KeyType Type, byte[] Data) Read(ReadOnlyMemory<byte> bytes, string what)
    {
        KeyType? type = null;
        byte[]? data = null;
        foreach (var f in ProtoReader.ReadAll(bytes))
        {
            if (f.Number == 1 && f.WireType == 0) type = (KeyType)f.Varint;
            else if (f.Number == 2 && f.WireType == 2) data = f.Bytes.ToArray();
        }
        if (type is null || data is null) throw new FormatException($"{what} protobuf lacks its type or data");
        return (type.Value, data);
    }
}
