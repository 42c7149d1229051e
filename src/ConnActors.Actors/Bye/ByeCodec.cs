using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Bye;

/// <summary>
/// Wire format of <see cref="ByeMessage"/> (protobuf, sent with an unsigned-varint length prefix):
/// <c>1: reason (varint)</c>, <c>2: backoff_seconds (varint)</c>, <c>3: alternatives (repeated bytes,
/// binary multiaddrs)</c>, <c>4: detail (string, at most 256 bytes)</c>. Unknown fields are ignored.
/// </summary>
public static class ByeCodec
{
    /// <summary>The protocol id.</summary>
    public const string ProtocolId = "/connactors/bye/1.0.0";

    /// <summary>Largest accepted message.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>Most alternatives read from one message.</summary>
    public const int MaxAlternatives = 16;

    /// <summary>Longest backoff accepted from the wire (one day); larger values are clamped.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromDays(1);

    /// <summary>Encodes a message.</summary>
    public static byte[] Encode(ByeMessage message)
    {
        var writer = new ProtoWriter()
            .WriteVarint(1, (ulong)message.Reason)
            .WriteVarint(2, (ulong)Math.Clamp(message.Backoff.TotalSeconds, 0, MaxBackoff.TotalSeconds));
        foreach (var alternative in message.Alternatives.Take(MaxAlternatives)) writer.WriteBytes(3, alternative.ToBytes());
        if (!string.IsNullOrEmpty(message.Detail)) writer.WriteString(4, message.Detail.Length > 256 ? message.Detail[..256] : message.Detail);
        return writer.ToArray();
    }

    /// <summary>Decodes a message; malformed input throws <see cref="InvalidDataException"/> with the reason.</summary>
    public static ByeMessage Decode(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > MaxMessageBytes) throw new InvalidDataException($"bye message of {bytes.Length} bytes exceeds {MaxMessageBytes}");
        List<ProtoField> fields;
        try
        {
            fields = ProtoReader.ReadAll(bytes);
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"bye message is not valid protobuf: {e.Message}", e);
        }
        var reason = ByeReason.Other;
        var backoff = TimeSpan.Zero;
        var alternatives = new List<Multiaddr>();
        string? detail = null;
        foreach (var field in fields)
        {
            switch (field.Number)
            {
                case 1:
                    reason = Enum.IsDefined(typeof(ByeReason), (int)Math.Min(field.Varint, int.MaxValue)) ? (ByeReason)(int)field.Varint : ByeReason.Other;
                    break;
                case 2:
                    backoff = TimeSpan.FromSeconds(Math.Min(field.Varint, (ulong)MaxBackoff.TotalSeconds));
                    break;
                case 3 when alternatives.Count < MaxAlternatives:
                    try
                    {
                        alternatives.Add(Multiaddr.FromBytes(field.Bytes.Span));
                    }
                    catch (Exception e) when (e is MultiaddrFormatException or FormatException or ArgumentException)
                    {
                        throw new InvalidDataException($"bye alternative is not a multiaddr: {e.Message}", e);
                    }
                    break;
                case 4:
                    detail = System.Text.Encoding.UTF8.GetString(field.Bytes.Span[..Math.Min(field.Bytes.Length, 256)]);
                    break;
            }
        }
        return new ByeMessage(reason, backoff, alternatives, detail);
    }
}
