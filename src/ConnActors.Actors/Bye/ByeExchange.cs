using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Protocols;

namespace ConnActors.Actors.Bye;

/// <summary>Sends and receives <see cref="ByeMessage"/>s on a libp2p host.</summary>
public static class ByeExchange
{
    /// <summary>Bye streams a peer may have served at once on one connection (one bye is all it sends); more are reset.</summary>
    public const int MaxInboundStreamsPerConnection = 2;

    /// <summary>How long a bye may take to arrive once its stream is open.</summary>
    public static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens a bye stream on <paramref name="connection"/>, writes the message and half-closes, then waits
    /// (at most <paramref name="timeout"/>) for the remote to close its side so the message was read.
    /// </summary>
    public static async Task SendAsync(Libp2pHost host, Libp2pConnection connection, ByeMessage message, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var stream = await host.NewStreamAsync(connection, [ByeCodec.ProtocolId], cts.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await LengthPrefixed.WriteAsync(stream, ByeCodec.Encode(message), cts.Token).ConfigureAwait(false);
            await stream.CloseWriteAsync().ConfigureAwait(false);
            var sink = new byte[64];
            while (await stream.ReadAsync(sink, cts.Token).ConfigureAwait(false) > 0)
            {
            }
        }
    }

    /// <summary>
    /// Handles inbound bye streams: each valid message is passed to <paramref name="received"/> with the connection it came on; a malformed one (or one that
    /// does not arrive within <see cref="ReceiveTimeout"/>) resets its stream, its reason passed to <paramref name="malformed"/>.
    /// </summary>
    public static void Register(Libp2pHost host, Action<Libp2pConnection, ByeMessage> received, Action<PeerId, string> malformed)
    {
        host.SetStreamHandler(ByeCodec.ProtocolId, async context =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.HostStopping);
            timeout.CancelAfter(ReceiveTimeout);
            ByeMessage bye;
            try
            {
                var bytes = await LengthPrefixed.ReadAsync(context.Stream, ByeCodec.MaxMessageBytes, timeout.Token).ConfigureAwait(false);
                if (bytes is null) return;
                bye = ByeCodec.Decode(bytes);
            }
            catch (InvalidDataException e)
            {
                malformed(context.Connection.RemotePeer, e.Message);
                throw;
            }
            catch (OperationCanceledException) when (!context.HostStopping.IsCancellationRequested)
            {
                malformed(context.Connection.RemotePeer, $"no bye within {ReceiveTimeout.TotalSeconds:0} s");
                throw;
            }
            received(context.Connection, bye);
            await context.Stream.CloseWriteAsync().ConfigureAwait(false);
        }, MaxInboundStreamsPerConnection);
    }
}
