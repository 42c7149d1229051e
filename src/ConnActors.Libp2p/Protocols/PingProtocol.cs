using System.Diagnostics;
using System.Security.Cryptography;

namespace ConnActors.Libp2p.Protocols;

/// <summary>/ipfs/ping/1.0.0: the dialer sends 32 random bytes, the listener echoes them, repeatedly.</summary>
public static class PingProtocol
{
    public const int PayloadSize = 32;

    /// <summary>
    /// Ping streams a peer may have served at once on one connection (js-libp2p's ping allows 2). An echo the peer does
    /// not read stops the handler, and the stream's receive window then fills: 4 connections of 256 such streams took a
    /// node from 153 to 477 MiB (probe, 1 Dec 2026).
    /// </summary>
    public const int MaxInboundStreamsPerConnection = 2;

    /// <summary>Listener side: echoes 32-byte payloads until the dialer closes.</summary>
    public static async Task RespondAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[PayloadSize];
        while (await stream.ReadAtLeastAsync(buffer, PayloadSize, throwOnEndOfStream: false, ct).ConfigureAwait(false) == PayloadSize)
            await stream.WriteAsync(buffer, ct).ConfigureAwait(false);
    }

    /// <summary>Dialer side: one round trip.</summary>
    /// <exception cref="InvalidDataException">The echo differs from what was sent.</exception>
    public static async Task<TimeSpan> PingOnceAsync(Stream stream, CancellationToken ct)
    {
        var sent = RandomNumberGenerator.GetBytes(PayloadSize);
        var received = new byte[PayloadSize];
        var started = Stopwatch.GetTimestamp();
        await stream.WriteAsync(sent, ct).ConfigureAwait(false);
        await stream.ReadExactlyAsync(received, ct).ConfigureAwait(false);
        var rtt = Stopwatch.GetElapsedTime(started);
        if (!sent.AsSpan().SequenceEqual(received)) throw new InvalidDataException("ping echo differs from the payload sent");
        return rtt;
    }
}
