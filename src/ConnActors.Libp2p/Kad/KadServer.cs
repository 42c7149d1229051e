using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad.Protocol;

namespace ConnActors.Libp2p.Kad;

/// <summary>Answers requests from remote peers; the DHT behind it decides what to answer.</summary>
public interface IKadRequestHandler
{
    /// <summary>The response to <paramref name="request"/> (null when the type gets none), or a refusal.</summary>
    Task<KadAnswer> HandleAsync(Libp2pConnection connection, Message request, CancellationToken ct);

    /// <summary>A peer broke the protocol or a limit on an inbound stream (the stream is reset).</summary>
    void BadInput(PeerId peer, string reason);

    /// <summary>
    /// An inbound stream of <paramref name="peer"/> ended, however it ended (the remote closed it, it idled out, it broke a
    /// rule): what the stream claimed when it opened may go back, whether or not a request was ever served on it.
    /// </summary>
    void StreamEnded(PeerId peer);
}

/// <summary>
/// A handler's answer: a response to send (or none), or a refusal that resets the stream.
/// <paramref name="IsBadInput"/> marks a refusal that is the peer's misbehaviour (a flood), not just a
/// request we do not serve (an unsupported record namespace).
/// </summary>
public sealed record KadAnswer(Message? Response, string? Refusal = null, bool IsBadInput = false)
{
    public static KadAnswer NoResponse { get; } = new((Message?)null);

    public static KadAnswer Refuse(string reason, bool badInput) => new(null, reason, badInput);
}

/// <summary>
/// The serving side: reads requests from an inbound stream (the spec lets a peer send several), checks
/// each against the limits and the per-type rules, and writes the handler's response. Bad input (a
/// response left unread past the idle period among it) resets the stream and is reported with its reason;
/// the stream also closes after an idle period.
/// </summary>
public static class KadServer
{
    /// <summary>How the reason for a response the peer left unread begins.</summary>
    public const string UnreadResponse = "did not read a response";

    /// <summary>Serves one inbound stream until the remote closes it, it idles out, or it breaks the protocol.</summary>
    public static async Task ServeAsync(StreamContext context, IKadRequestHandler handler, KadLimits limits)
    {
        try
        {
            await ServeRequestsAsync(context, handler, limits).ConfigureAwait(false);
        }
        finally
        {
            handler.StreamEnded(context.Connection.RemotePeer);
        }
    }

    private static async Task ServeRequestsAsync(StreamContext context, IKadRequestHandler handler, KadLimits limits)
    {
        var stream = context.Stream;
        while (!context.HostStopping.IsCancellationRequested)
        {
            Message? request;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(context.HostStopping))
            {
                idle.CancelAfter(limits.InboundIdleTimeout);
                try
                {
                    request = await KadCodec.ReadAsync(stream, limits, idle.Token).ConfigureAwait(false);
                }
                catch (KadProtocolException e)
                {
                    Refuse(handler, context, e.Reason, badInput: true);
                    return;
                }
                catch (OperationCanceledException) when (!context.HostStopping.IsCancellationRequested)
                {
                    return; // idle: the host closes the stream after the handler returns
                }
                catch (IOException)
                {
                    return; // the stream or connection went away
                }
            }
            if (request is null) return;
            if (RequestRules.Check(request) is { } broken)
            {
                Refuse(handler, context, broken, badInput: true);
                return;
            }
            var answer = await handler.HandleAsync(context.Connection, request, context.HostStopping).ConfigureAwait(false);
            if (answer.Refusal is { } refusal)
            {
                Refuse(handler, context, refusal, answer.IsBadInput);
                return;
            }
            if (answer.Response is { } response && !await TryWriteAsync(context, response, limits))
            {
                Refuse(handler, context, $"{UnreadResponse} within {limits.InboundIdleTimeout.TotalSeconds:0.###} s", badInput: true);
                return;
            }
        }

        // A peer that stops reading leaves the write waiting for window space: bounded like an idle stream.
        static async Task<bool> TryWriteAsync(StreamContext context, Message response, KadLimits limits)
        {
            using var unread = CancellationTokenSource.CreateLinkedTokenSource(context.HostStopping);
            unread.CancelAfter(limits.InboundIdleTimeout);
            try
            {
                await KadCodec.WriteAsync(context.Stream, response, unread.Token).ConfigureAwait(false);
                return true;
            }
            catch (OperationCanceledException) when (!context.HostStopping.IsCancellationRequested)
            {
                return false;
            }
        }

        static void Refuse(IKadRequestHandler handler, StreamContext context, string reason, bool badInput)
        {
            context.Stream.Reset();
            if (badInput) handler.BadInput(context.Connection.RemotePeer, reason);
        }
    }
}

/// <summary>What each request type must carry (the spec's "requirements for each MessageType").</summary>
internal static class RequestRules
{
    public static string? Check(Message request) => request.Type switch
    {
        Message.Types.MessageType.FindNode or Message.Types.MessageType.GetValue or Message.Types.MessageType.GetProviders
            when request.Key.IsEmpty => $"{request.Type} without a key",
        Message.Types.MessageType.AddProvider when request.Key.IsEmpty => "ADD_PROVIDER without a key",
        Message.Types.MessageType.AddProvider when request.ProviderPeers.Count == 0 => "ADD_PROVIDER without a provider",
        Message.Types.MessageType.PutValue when request.Record is null => "PUT_VALUE without a record",
        Message.Types.MessageType.PutValue when !request.Record.Key.Equals(request.Key) => "PUT_VALUE whose record key differs from its key",
        _ => null,
    };
}
