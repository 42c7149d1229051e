using System.Text;
using ConnActors.Libp2p.Encoding;

namespace ConnActors.Libp2p.Multistream;

/// <summary>multistream-select 1.0: uvarint-length-prefixed, newline-terminated protocol lines.</summary>
public static class MultistreamSelect
{
    public const string ProtocolId = "/multistream/1.0.0";
    public const string NotAvailable = "na";

    /// <summary>Longest accepted line, newline included.</summary>
    public const int MaxLineLength = 1024;

    /// <summary>Most protocols a dialer may propose before the listener gives up on it.</summary>
    public const int MaxProposals = 32;

    /// <summary>Dialer side: proposes <paramref name="protocols"/> in order; the first the listener accepts wins.</summary>
    /// <exception cref="MultistreamException">No common protocol or a protocol violation.</exception>
    public static async Task<string> SelectAsync(Stream stream, IReadOnlyList<string> protocols, CancellationToken ct)
    {
        if (protocols.Count == 0) throw new ArgumentException("no protocol to propose", nameof(protocols));
        // The header and the first proposal go out together: one round trip when the listener agrees.
        await stream.WriteAsync(Frame(ProtocolId, protocols[0]), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        await ExpectHeaderAsync(stream, ct).ConfigureAwait(false);
        for (var i = 0; ; )
        {
            var answer = await ReadLineAsync(stream, ct).ConfigureAwait(false)
                ?? throw new MultistreamException("stream ended while waiting for the listener's answer");
            if (answer == protocols[i]) return answer;
            if (answer != NotAvailable) throw new MultistreamException($"listener answered '{Printable(answer)}' to '{protocols[i]}'");
            if (++i == protocols.Count) throw new MultistreamException($"listener supports none of: {string.Join(", ", protocols)}");
            await stream.WriteAsync(Frame(protocols[i]), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Listener side: answers proposals until one is supported; returns it.</summary>
    /// <exception cref="MultistreamException">The dialer gave up, proposed too much, or violated the protocol.</exception>
    public static async Task<string> ListenAsync(Stream stream, Func<string, bool> isSupported, CancellationToken ct)
    {
        await stream.WriteAsync(Frame(ProtocolId), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        await ExpectHeaderAsync(stream, ct).ConfigureAwait(false);
        for (var proposals = 0; proposals < MaxProposals; proposals++)
        {
            var line = await ReadLineAsync(stream, ct).ConfigureAwait(false)
                ?? throw new MultistreamException("dialer closed the stream without selecting a protocol");
            var agreed = line != NotAvailable && line != "ls" && isSupported(line);
            await stream.WriteAsync(Frame(agreed ? line : NotAvailable), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            if (agreed) return line;
        }
        throw new MultistreamException($"dialer proposed more than {MaxProposals} protocols");
    }

    private static async Task ExpectHeaderAsync(Stream stream, CancellationToken ct)
    {
        var header = await ReadLineAsync(stream, ct).ConfigureAwait(false)
            ?? throw new MultistreamException("stream ended before the multistream header");
        if (header != ProtocolId) throw new MultistreamException($"expected '{ProtocolId}', got '{Printable(header)}'");
    }

    /// <summary>Reads one line without consuming anything after it; null on a clean end of stream.</summary>
    internal static async Task<string?> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        ulong? length;
        try
        {
            length = await Varint.ReadAsync(stream, 2, ct).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            throw new MultistreamException($"line length prefix longer than 2 bytes (limit {MaxLineLength})");
        }
        if (length is null) return null;
        if (length > MaxLineLength) throw new MultistreamException($"line of {length} bytes exceeds the limit of {MaxLineLength}");
        if (length == 0) throw new MultistreamException("empty line");
        var buffer = new byte[(int)length];
        await stream.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        if (buffer[^1] != '\n') throw new MultistreamException("line does not end with a newline");
        return System.Text.Encoding.UTF8.GetString(buffer, 0, buffer.Length - 1);
    }

    internal static byte[] Frame(params string[] lines)
    {
        using var ms = new MemoryStream();
        Span<byte> prefix = stackalloc byte[Varint.MaxLength];
        foreach (var line in lines)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
            ms.Write(prefix[..Varint.Write(prefix, (ulong)bytes.Length)]);
            ms.Write(bytes);
        }
        return ms.ToArray();
    }

    private static string Printable(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s.Length > 64 ? s[..64] : s) sb.Append(char.IsControl(c) ? '?' : c);
        return sb.ToString();
    }
}
