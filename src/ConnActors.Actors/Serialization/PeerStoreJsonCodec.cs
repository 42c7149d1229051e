using System.Buffers;
using System.Runtime.Serialization;
using System.Text.Json;
using ConnActors.Actors.Store;

namespace ConnActors.Actors.Serialization;

/// <summary>
/// The v1 payloads of the peer store: UTF-8 JSON objects with explicit camelCase field names, written and read by
/// hand so that no rename in C# can change what is stored. Unknown fields are ignored on read, so a v1 payload may
/// gain optional fields without a new manifest.
/// </summary>
internal static class PeerStoreJsonCodec
{
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteFriend(Utf8JsonWriter writer, string peerId, IReadOnlyList<string> multiaddrs)
    {
        writer.WriteString("peerId", peerId);
        writer.WriteStartArray("multiaddrs");
        foreach (var address in multiaddrs) writer.WriteStringValue(address);
        writer.WriteEndArray();
    }

    public static void WriteProtection(Utf8JsonWriter writer, string peerId, string tag)
    {
        writer.WriteString("peerId", peerId);
        writer.WriteString("tag", tag);
    }

    public static void WriteByeObligation(Utf8JsonWriter writer, string peerId, long notBeforeMs)
    {
        writer.WriteString("peerId", peerId);
        writer.WriteNumber("notBeforeMs", notBeforeMs);
    }

    public static void WritePenalty(Utf8JsonWriter writer, string peerId, double value, long lastUpdateMs, long retainUntilMs)
    {
        writer.WriteString("peerId", peerId);
        writer.WriteNumber("value", value);
        writer.WriteNumber("lastUpdateMs", lastUpdateMs);
        writer.WriteNumber("retainUntilMs", retainUntilMs);
    }

    public static void WriteSnapshot(Utf8JsonWriter writer, PeerStoreSnapshot snapshot)
    {
        WriteObjects(writer, "friends", snapshot.Friends, f => WriteFriend(writer, f.PeerId, f.Multiaddrs));
        WriteObjects(writer, "protections", snapshot.Protections, p => WriteProtection(writer, p.PeerId, p.Tag));
        WriteObjects(writer, "byeObligations", snapshot.ByeObligations, o => WriteByeObligation(writer, o.PeerId, o.NotBeforeMs));
        WriteObjects(writer, "penalties", snapshot.Penalties, p => WritePenalty(writer, p.PeerId, p.Value, p.LastUpdateMs, p.RetainUntilMs));
    }

    public static T Read<T>(byte[] bytes, string manifest, Func<PayloadReader, T> body)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SerializationException($"peer store payload '{manifest}' is not a JSON object");
            return body(new PayloadReader(document.RootElement, manifest));
        }
        catch (JsonException e)
        {
            throw new SerializationException($"peer store payload '{manifest}' is not valid JSON: {e.Message}", e);
        }
    }

    public static StoredFriend ReadFriend(PayloadReader reader) => new(reader.String("peerId"), reader.Strings("multiaddrs"));

    public static StoredProtection ReadProtection(PayloadReader reader) => new(reader.String("peerId"), reader.String("tag"));

    public static StoredByeObligation ReadByeObligation(PayloadReader reader) => new(reader.String("peerId"), reader.Int64("notBeforeMs"));

    public static StoredPenalty ReadPenalty(PayloadReader reader) =>
        new(reader.String("peerId"), reader.Double("value"), reader.Int64("lastUpdateMs"), reader.Int64("retainUntilMs"));

    public static PeerStoreSnapshot ReadSnapshot(PayloadReader reader) => new(
        reader.Objects("friends", ReadFriend),
        reader.Objects("protections", ReadProtection),
        reader.Objects("byeObligations", ReadByeObligation),
        reader.Objects("penalties", ReadPenalty));

    private static void WriteObjects<T>(Utf8JsonWriter writer, string name, IReadOnlyList<T> items, Action<T> writeFields)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStartObject();
            writeFields(item);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>Required fields of one JSON object, each failure naming the manifest and the field.</summary>
    internal readonly struct PayloadReader
    {
        private readonly JsonElement _element;
        private readonly string _manifest;

        public PayloadReader(JsonElement element, string manifest)
        {
            _element = element;
            _manifest = manifest;
        }

        public string String(string name)
        {
            var field = Field(name, JsonValueKind.String);
            return field.GetString() is { Length: > 0 } text ? text : throw Invalid(name, "must not be empty");
        }

        public long Int64(string name) =>
            Field(name, JsonValueKind.Number).TryGetInt64(out var value) ? value : throw Invalid(name, "is not a whole number");

        public double Double(string name) => Field(name, JsonValueKind.Number).GetDouble();

        public string[] Strings(string name)
        {
            var array = Field(name, JsonValueKind.Array);
            var result = new string[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                result[i++] = item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text
                    ? text
                    : throw Invalid(name, "must hold non-empty strings only");
            }
            return result;
        }

        public T[] Objects<T>(string name, Func<PayloadReader, T> read)
        {
            var array = Field(name, JsonValueKind.Array);
            var result = new T[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) throw Invalid(name, "must hold objects only");
                result[i++] = read(new PayloadReader(item, _manifest));
            }
            return result;
        }

        private JsonElement Field(string name, JsonValueKind kind)
        {
            if (!_element.TryGetProperty(name, out var field)) throw Invalid(name, "is missing");
            return field.ValueKind == kind ? field : throw Invalid(name, $"must be a JSON {kind.ToString().ToLowerInvariant()}, was {field.ValueKind.ToString().ToLowerInvariant()}");
        }

        private SerializationException Invalid(string name, string reason) =>
            new($"peer store payload '{_manifest}': field '{name}' {reason}");
    }
}
