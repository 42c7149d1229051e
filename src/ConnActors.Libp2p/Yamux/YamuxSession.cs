using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace ConnActors.Libp2p.Yamux;

/// <summary>
/// A yamux session over a secure stream. The dialer of the connection is the client (odd stream ids).
/// Protocol violations end the session with a GoAway and a reason in <see cref="Completion"/>.
/// </summary>
public sealed class YamuxSession : IAsyncDisposable
{
    private const uint MaxDiscardLength = 16 * 1024 * 1024;

    private readonly Stream _secure;
    private readonly bool _isClient;
    private readonly Func<YamuxStream, Task> _onInbound;
    private readonly ConcurrentDictionary<uint, YamuxStream> _streams = new();
    private readonly ConcurrentDictionary<uint, (TaskCompletionSource<TimeSpan> Done, long Started)> _pings = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private uint _nextStreamId;
    private uint _nextPing;
    private int _inbound;
    private int _outbound;
    private int _refused;
    private volatile bool _goingAway;
    private string? _closingReason;

    /// <param name="secure">The secured connection; the session reads and writes it exclusively.</param>
    /// <param name="isClient">True on the side that dialed the connection.</param>
    /// <param name="options">Windows and limits.</param>
    /// <param name="onInbound">Called for each accepted inbound stream; runs concurrently with the session.</param>
    /// <param name="onStreamClosed">Called once when a stream is fully closed or reset.</param>
    public YamuxSession(Stream secure, bool isClient, YamuxOptions options, Func<YamuxStream, Task> onInbound, Action<YamuxStream>? onStreamClosed = null)
    {
        _secure = secure;
        _isClient = isClient;
        Options = options;
        _onInbound = onInbound;
        StreamClosed = onStreamClosed;
        _nextStreamId = isClient ? 1u : 2u;
    }

    public YamuxOptions Options { get; }

    /// <summary>Completes with the reason when the session ends.</summary>
    public Task<string> Completion => _completion.Task;

    public int StreamCount => _streams.Count;

    private Action<YamuxStream>? StreamClosed { get; }

    /// <summary>Starts the read loop; call once.</summary>
    public void Start() => _ = Task.Run(ReadLoopAsync);

    /// <exception cref="YamuxException">The session is closed or going away, or too many outbound streams.</exception>
    public async Task<YamuxStream> OpenStreamAsync(CancellationToken ct)
    {
        if (_completion.Task.IsCompleted || _goingAway) throw new YamuxException("session is closed");
        if (Interlocked.Increment(ref _outbound) > Options.MaxOutboundStreams)
        {
            Interlocked.Decrement(ref _outbound);
            throw new YamuxException($"more than {Options.MaxOutboundStreams} outbound streams");
        }
        var id = Interlocked.Add(ref _nextStreamId, 2) - 2;
        var stream = new YamuxStream(this, id, inbound: false, Options.InitialWindow, Options.InitialWindow);
        _streams[id] = stream;
        await SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0, ct).ConfigureAwait(false);
        return stream;
    }

    /// <summary>Round trip of a yamux ping.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken ct)
    {
        var opaque = Interlocked.Increment(ref _nextPing);
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[opaque] = (done, Stopwatch.GetTimestamp());
        try
        {
            await SendControlAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, opaque, ct).ConfigureAwait(false);
            return await done.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _pings.TryRemove(opaque, out _);
        }
    }

    /// <summary>Sends GoAway and ends the session with <paramref name="reason"/>.</summary>
    public async Task CloseAsync(string reason, YamuxGoAwayCode code = YamuxGoAwayCode.Normal)
    {
        if (_completion.Task.IsCompleted) return;
        // The remote may hang up as soon as it sees the GoAway; the reason stays ours.
        Interlocked.CompareExchange(ref _closingReason, reason, null);
        _goingAway = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try { await SendControlAsync(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)code, timeout.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
        Terminate(reason);
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[YamuxHeader.Size];
        try
        {
            while (true)
            {
                var got = await _secure.ReadAtLeastAsync(header, YamuxHeader.Size, throwOnEndOfStream: false, _stop.Token).ConfigureAwait(false);
                if (got == 0)
                {
                    Terminate("remote closed the connection");
                    return;
                }
                if (got < YamuxHeader.Size) throw new YamuxException("connection ended inside a yamux header");
                var h = YamuxHeader.Read(header);
                if (h.Version != 0) throw new YamuxException($"unknown yamux version {h.Version}");
                switch (h.Type)
                {
                    case YamuxFrameType.Data:
                    case YamuxFrameType.WindowUpdate:
                        await OnStreamFrameAsync(h).ConfigureAwait(false);
                        break;
                    case YamuxFrameType.Ping:
                        OnPing(h);
                        break;
                    case YamuxFrameType.GoAway:
                        _goingAway = true;
                        Terminate($"remote sent GoAway ({(YamuxGoAwayCode)h.Length})");
                        return;
                    default:
                        throw new YamuxException($"unknown yamux frame type {(byte)h.Type}");
                }
            }
        }
        catch (YamuxException e)
        {
            await CloseAsync("yamux protocol error: " + e.Message, YamuxGoAwayCode.ProtocolError).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            Terminate(_stop.IsCancellationRequested ? "session closed" : "connection failed: " + e.Message);
        }
    }

    private async Task OnStreamFrameAsync(YamuxHeader h)
    {
        if (h.StreamId == 0) throw new YamuxException($"{h.Type} frame on stream 0");
        YamuxStream? stream;
        if (h.Flags.HasFlag(YamuxFlags.Syn))
        {
            stream = AcceptInbound(h);
        }
        else _streams.TryGetValue(h.StreamId, out stream);

        if (h.Type == YamuxFrameType.WindowUpdate)
        {
            if (stream is not null && !stream.OnWindowUpdate(h.Length)) throw new YamuxException($"send window of stream {h.StreamId} overflows");
        }
        else if (h.Length > 0)
        {
            if (stream is null) await DiscardAsync(h.Length).ConfigureAwait(false);
            else
            {
                if (h.Length > stream.ReceiveWindow) throw new YamuxException($"stream {h.StreamId} sent {h.Length} bytes past its window of {stream.ReceiveWindow}");
                var rented = ArrayPool<byte>.Shared.Rent((int)h.Length);
                try
                {
                    await _secure.ReadExactlyAsync(rented.AsMemory(0, (int)h.Length), _stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(rented);
                    throw;
                }
                if (!stream.OnData(rented, (int)h.Length)) throw new YamuxException($"window violation on stream {h.StreamId}");
            }
        }
        if (stream is null) return;
        if (h.Flags.HasFlag(YamuxFlags.Rst)) stream.OnRemoteReset();
        else if (h.Flags.HasFlag(YamuxFlags.Fin)) stream.OnRemoteFin();
    }

    private YamuxStream? AcceptInbound(YamuxHeader h)
    {
        var remoteIsOdd = !_isClient;
        if ((h.StreamId % 2 == 1) != remoteIsOdd) throw new YamuxException($"remote opened stream {h.StreamId} with this side's parity");
        if (_streams.ContainsKey(h.StreamId)) throw new YamuxException($"remote reopened live stream {h.StreamId}");
        if (_goingAway || Volatile.Read(ref _inbound) >= Options.MaxInboundStreams)
        {
            if (Interlocked.Increment(ref _refused) > Options.MaxRefusedStreams)
                throw new YamuxException($"stream flood: more than {Options.MaxRefusedStreams} streams refused past the limit of {Options.MaxInboundStreams}");
            _ = SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, h.StreamId, 0);
            return null;
        }
        Interlocked.Increment(ref _inbound);
        var initialSend = Options.InitialWindow + (h.Type == YamuxFrameType.WindowUpdate ? h.Length : 0L);
        var stream = new YamuxStream(this, h.StreamId, inbound: true, Options.InitialWindow, initialSend);
        _streams[h.StreamId] = stream;
        // The ACK is queued before the handler can write on the stream.
        var ack = SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, h.StreamId, 0);
        _ = Task.Run(async () =>
        {
            await ack.ConfigureAwait(false);
            await _onInbound(stream).ConfigureAwait(false);
        });
        return stream;
    }

    private void OnPing(YamuxHeader h)
    {
        if (h.Flags.HasFlag(YamuxFlags.Syn))
            _ = SendControlAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, h.Length);
        else if (h.Flags.HasFlag(YamuxFlags.Ack) && _pings.TryRemove(h.Length, out var ping))
            ping.Done.TrySetResult(Stopwatch.GetElapsedTime(ping.Started));
    }

    private async Task DiscardAsync(uint length)
    {
        if (length > MaxDiscardLength) throw new YamuxException($"data frame of {length} bytes on an unknown stream");
        var scratch = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, 64 * 1024));
        try
        {
            while (length > 0)
            {
                var n = (int)Math.Min(length, (uint)scratch.Length);
                await _secure.ReadExactlyAsync(scratch.AsMemory(0, n), _stop.Token).ConfigureAwait(false);
                length -= (uint)n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    internal async Task SendControlAsync(YamuxFrameType type, YamuxFlags flags, uint streamId, uint length, CancellationToken ct = default)
    {
        try
        {
            await WriteFrameAsync(new YamuxHeader(0, type, flags, streamId, length), ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // The session is ending; the read loop reports why.
        }
    }

    internal Task SendDataAsync(uint streamId, ReadOnlyMemory<byte> payload, CancellationToken ct) =>
        WriteFrameAsync(new YamuxHeader(0, YamuxFrameType.Data, YamuxFlags.None, streamId, (uint)payload.Length), payload, ct);

    private async Task WriteFrameAsync(YamuxHeader header, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (_completion.Task.IsCompleted) throw new YamuxException("session is closed: " + _completion.Task.Result);
        var size = YamuxHeader.Size + payload.Length;
        var frame = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            header.Write(frame);
            payload.Span.CopyTo(frame.AsSpan(YamuxHeader.Size));
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await _secure.WriteAsync(frame.AsMemory(0, size), _stop.Token).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    internal void Remove(YamuxStream stream)
    {
        if (!stream.MarkRemoved()) return;
        _streams.TryRemove(stream.Id, out _);
        Interlocked.Decrement(ref stream.IsInbound ? ref _inbound : ref _outbound);
        StreamClosed?.Invoke(stream);
    }

    private void Terminate(string reason)
    {
        reason = Volatile.Read(ref _closingReason) ?? reason;
        if (!_completion.TrySetResult(reason)) return;
        _stop.Cancel();
        foreach (var stream in _streams.Values)
        {
            stream.Fail("connection closed: " + reason);
            Remove(stream);
        }
        foreach (var ping in _pings.Values) ping.Done.TrySetException(new YamuxException("connection closed: " + reason));
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync("session disposed").ConfigureAwait(false);
    }
}
