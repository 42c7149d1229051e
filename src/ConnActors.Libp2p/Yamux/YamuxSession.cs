using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace ConnActors.Libp2p.Yamux;

/// <summary>
/// A yamux session over a secure stream. The dialer of the connection is the client (odd stream ids).
/// Protocol violations end the session with a GoAway and a reason in <see cref="Completion"/>; so does a
/// frame that cannot be written within <see cref="YamuxOptions.WriteTimeout"/> (a peer that stopped reading).
/// </summary>
public sealed partial class YamuxSession : IAsyncDisposable
{
    private const uint MaxDiscardLength = 16 * 1024 * 1024;
    private static readonly TimeSpan GoAwayTimeout = TimeSpan.FromSeconds(1);

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
    private int _unsentPingAcks;
    private volatile bool _goingAway;
    private volatile bool _abortive;
    private string? _closingReason;
    private Task _readLoop = Task.CompletedTask;

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

    /// <summary>
    /// True once the session ended on a fault (a protocol error, a write past its deadline): the transport
    /// should be reset rather than closed gracefully, so nothing unsent lingers for a peer that does not read.
    /// </summary>
    public bool EndedByFault => _abortive;

    public int StreamCount => _streams.Count;

    /// <summary>A snapshot of the open streams.</summary>
    public IReadOnlyList<YamuxStream> Streams => _streams.Values.ToList();

    /// <summary>What this side grants beyond the spec's initial window, announced on SYN and ACK.</summary>
    private uint ExtraWindow => (uint)(Options.InitialWindow - YamuxOptions.SpecInitialWindow);

    private Action<YamuxStream>? StreamClosed { get; }

    /// <summary>Starts the read loop; call once.</summary>
    public void Start() => _readLoop = Task.Run(ReadLoopAsync);

    /// <summary>
    /// After <see cref="Completion"/>: completes once the read loop has returned and no write is in flight,
    /// so the underlying stream may be released. Close the transport first; that ends both at once.
    /// </summary>
    public async Task StoppedAsync()
    {
        await _readLoop.ConfigureAwait(false);
        await _writeLock.WaitAsync().ConfigureAwait(false);
        _writeLock.Release();
    }

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
        var stream = new YamuxStream(this, id, inbound: false, Options.InitialWindow, YamuxOptions.SpecInitialWindow);
        _streams[id] = stream;
        await SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, ExtraWindow, ct).ConfigureAwait(false);
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

    /// <summary>Sends GoAway (waiting at most a second for it to leave) and ends the session with <paramref name="reason"/>.</summary>
    public async Task CloseAsync(string reason, YamuxGoAwayCode code = YamuxGoAwayCode.Normal)
    {
        if (_completion.Task.IsCompleted) return;
        // The remote may hang up as soon as it sees the GoAway; the reason stays ours.
        Interlocked.CompareExchange(ref _closingReason, reason, null);
        _goingAway = true;
        if (code != YamuxGoAwayCode.Normal) _abortive = true;
        using var timeout = new CancellationTokenSource(GoAwayTimeout);
        try
        {
            await WriteFrameAsync(new YamuxHeader(0, YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)code), ReadOnlyMemory<byte>.Empty, timeout.Token, GoAwayTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // A GoAway that cannot leave leaves the transport to be reset.
            _abortive = true;
        }
        Terminate(reason);
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

    /// <summary>
    /// Writes one frame; writers take turns. <paramref name="ct"/> bounds the wait for the turn, and the write
    /// itself must finish within <paramref name="deadline"/> (<see cref="YamuxOptions.WriteTimeout"/> by
    /// default) or the session ends: a peer that does not read never holds a writer for good.
    /// </summary>
    private async Task WriteFrameAsync(YamuxHeader header, ReadOnlyMemory<byte> payload, CancellationToken ct, TimeSpan? deadline = null)
    {
        ThrowIfClosed();
        var size = YamuxHeader.Size + payload.Length;
        var frame = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            header.Write(frame);
            payload.Span.CopyTo(frame.AsSpan(YamuxHeader.Size));
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // Ended while waiting for the turn: the secure stream may already be released.
                ThrowIfClosed();
                var write = _secure.WriteAsync(frame.AsMemory(0, size), _stop.Token);
                if (write.IsCompletedSuccessfully)
                {
                    write.GetAwaiter().GetResult();
                    return;
                }
                await CompleteWithinAsync(write.AsTask(), deadline ?? Options.WriteTimeout).ConfigureAwait(false);
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

    private async Task CompleteWithinAsync(Task write, TimeSpan deadline)
    {
        try
        {
            await write.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var reason = $"write timed out: the peer took no data for {deadline.TotalSeconds:0.###} s";
            _abortive = true;
            Terminate(reason);
            // Termination cancels the write; its buffer is given back only once the socket is done with it.
            try { await write.ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
            throw new YamuxException(reason);
        }
    }

    private void ThrowIfClosed()
    {
        if (_completion.Task.IsCompleted) throw new YamuxException("session is closed: " + _completion.Task.Result);
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
