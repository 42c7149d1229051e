using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Kad.Protocol;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// The requesting side of the RPCs: a new stream per request, the request, the response (none for
/// ADD_PROVIDER, which go and js never answer), then the stream is closed; on any error it is reset.
/// </summary>
public static class KadClient
{
    /// <summary>Sends <paramref name="request"/> and reads the response, all within <paramref name="timeout"/>.</summary>
    /// <exception cref="KadProtocolException">The response breaks the protocol or our limits.</exception>
    /// <exception cref="IOException">The stream or connection failed, the peer does not speak the protocol, or it closed the
    /// stream without a response (<see cref="EndOfStreamException"/>).</exception>
    /// <exception cref="TimeoutException">No response in time.</exception>
    public static Task<Message> RequestAsync(Libp2pHost host, Libp2pConnection connection, Message request, KadLimits limits, TimeSpan timeout, CancellationToken ct) =>
        ExchangeAsync(host, connection, request, limits, timeout, expectResponse: true, ct)!;

    /// <summary>Sends a message that gets no response (ADD_PROVIDER).</summary>
    public static Task SendAsync(Libp2pHost host, Libp2pConnection connection, Message message, KadLimits limits, TimeSpan timeout, CancellationToken ct) =>
        ExchangeAsync(host, connection, message, limits, timeout, expectResponse: false, ct);

    private static async Task<Message?> ExchangeAsync(Libp2pHost host, Libp2pConnection connection, Message request, KadLimits limits,
        TimeSpan timeout, bool expectResponse, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        Yamux.YamuxStream? stream = null;
        try
        {
            stream = await host.NewStreamAsync(connection, [KadProtocol.Id], deadline.Token).ConfigureAwait(false);
            await KadCodec.WriteAsync(stream, request, deadline.Token).ConfigureAwait(false);
            Message? response = null;
            if (expectResponse)
            {
                // A clean end without an answer is what a peer shutting down sends (its handlers return): no answer, not a bad one.
                response = await KadCodec.ReadAsync(stream, limits, deadline.Token).ConfigureAwait(false)
                    ?? throw new EndOfStreamException($"stream closed without a response to {request.Type}");
                if (response.Type != request.Type)
                    throw new KadProtocolException($"response of type {response.Type} to a {request.Type} request");
            }
            await stream.CloseWriteAsync().ConfigureAwait(false);
            stream.CloseRead();
            return response;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            stream?.Reset();
            throw new TimeoutException($"{request.Type} to {connection.RemotePeer} got no response within {timeout.TotalSeconds:0.###} s");
        }
        catch
        {
            stream?.Reset();
            throw;
        }
    }
}
