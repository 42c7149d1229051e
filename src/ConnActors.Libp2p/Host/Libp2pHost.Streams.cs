using System.Collections.Concurrent;
using ConnActors.Libp2p.Multistream;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Host;

public sealed partial class Libp2pHost
{
    private readonly ConcurrentDictionary<string, Func<StreamContext, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inboundLimits = new(StringComparer.Ordinal);

    /// <summary>Protocols with a handler, as identify announces them.</summary>
    public IReadOnlyList<string> Protocols => _handlers.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Serves <paramref name="protocol"/> on inbound streams; the handler owns the stream until it returns,
    /// after which the stream is closed for reading and half-closed for writing. With
    /// <paramref name="maxInboundStreamsPerConnection"/>, a stream past that many the handler serves on one connection
    /// is reset (<see cref="IHostObserver.StreamRefused"/>): a handler that stops reading (an echo the peer does not
    /// read) keeps its stream's whole receive window, so without a limit one connection pinned up to 256 of them.
    /// A new protocol is announced to connected peers with an identify push.
    /// </summary>
    public void SetStreamHandler(string protocol, Func<StreamContext, Task> handler, int? maxInboundStreamsPerConnection = null)
    {
        var added = !_handlers.ContainsKey(protocol);
        if (maxInboundStreamsPerConnection is { } most) _inboundLimits[protocol] = most;
        else _inboundLimits.TryRemove(protocol, out _);
        _handlers[protocol] = handler;
        if (added) PushToAllConnections();
    }

    /// <summary>Stops serving <paramref name="protocol"/> and tells connected peers (identify push).</summary>
    public void RemoveStreamHandler(string protocol)
    {
        if (_handlers.TryRemove(protocol, out _)) PushToAllConnections();
    }

    /// <summary>Opens a stream and negotiates the first of <paramref name="protocols"/> the remote supports.</summary>
    /// <exception cref="IOException">The connection is closed, or no protocol is supported (the stream is reset).</exception>
    public async Task<YamuxStream> NewStreamAsync(Libp2pConnection connection, IReadOnlyList<string> protocols, CancellationToken ct = default)
    {
        var stream = await connection.Session.OpenStreamAsync(ct).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.StreamNegotiationTimeout);
            stream.Protocol = await MultistreamSelect.SelectAsync(stream, protocols, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            stream.Reset();
            throw;
        }
        _options.Observer.StreamOpened(connection, stream);
        return stream;
    }

    private async Task OnInboundStreamAsync(Libp2pConnection connection, YamuxStream stream)
    {
        string? protocol = null;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                timeout.CancelAfter(_options.StreamNegotiationTimeout);
                protocol = await MultistreamSelect.ListenAsync(stream, _handlers.ContainsKey, timeout.Token).ConfigureAwait(false);
            }
            var decision = await _options.Gate.InboundStreamAsync(connection, protocol).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                stream.Reset();
                _options.Observer.StreamRefused(connection, protocol, decision.Reason ?? "refused");
                return;
            }
            if (!_handlers.TryGetValue(protocol, out var handler))
            {
                stream.Reset();
                _options.Observer.StreamRefused(connection, protocol, "handler removed");
                return;
            }
            int? most = _inboundLimits.TryGetValue(protocol, out int limit) ? limit : null;
            if (most is { } bound && !connection.InboundHandlers.TryTake(protocol, bound))
            {
                stream.Reset();
                _options.Observer.StreamRefused(connection, protocol, $"more than {bound} inbound {protocol} stream(s) on one connection");
                return;
            }
            stream.Protocol = protocol;
            _options.Observer.StreamOpened(connection, stream);
            try
            {
                await handler(new StreamContext(connection, stream, protocol, _stopping.Token)).ConfigureAwait(false);
            }
            finally
            {
                if (most is not null) connection.InboundHandlers.GiveBack(protocol);
            }
            // The handler is done with the stream: nothing more is buffered for it, whatever the remote sends.
            stream.CloseRead();
            await stream.CloseWriteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever a handler throws, only its stream pays for it.
            stream.Reset();
            if (stream.Protocol is null)
                _options.Observer.StreamRefused(connection, protocol, e is OperationCanceledException ? "protocol negotiation timed out" : e.Message);
        }
    }
}
