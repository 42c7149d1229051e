using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace ConnActors.Libp2p.Yamux;

/// <summary>
/// A yamux session over a secure stream. The dialer of the connection is the client (odd stream ids).
/// Protocol violations end the session with a GoAway and a reason in <see cref="Completion"/>.
/// </summary>
public sealed partial class YamuxSession : IAsyncDisposable
{
    private const uint MaxDiscardLength = 16 * 1024 * 1024;
    private const int MaxUnsentPingAcks = 64;

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

    /// <summary>A snapshot of the open streams.</summary>
    public IReadOnlyList<YamuxStream> Streams => _streams.Values.ToList();

    /// <summary>What this side grants beyond the spec's initial window, announced on SYN and ACK.</summary>
    private uint ExtraWindow => (uint)(Options.InitialWindow - YamuxOptions.SpecInitialWindow);

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
