using ConnActors.Libp2p.Streams;
using System.Buffers;

namespace ConnActors.Libp2p.Yamux;

/// <summary>
/// One yamux stream: a duplex byte stream with flow control. Dispose half-closes (FIN);
/// <see cref="Reset"/> aborts (RST). One reader and one writer at a time.
/// </summary>
public sealed class YamuxStream : AsyncDuplexStream
{
    private readonly YamuxSession _session;
    private readonly object _sync = new();
    private readonly Queue<(byte[] Buffer, int Length)> _received = new();
    private int _headOffset;
    private readonly int _windowUpdateThreshold;
    private TaskCompletionSource? _readWaiter;
    private TaskCompletionSource? _writeWaiter;
    private long _sendWindow;
    private long _receiveWindow;
    private int _consumedSinceUpdate;
    private bool _localFin;
    private bool _remoteFin;
    private bool _readClosed;
    private string? _failure;
    private bool _removed;
    private long _bytesRead;
    private long _bytesWritten;

    internal YamuxStream(YamuxSession session, uint id, bool inbound, int initialWindow, long initialSendWindow)
    {
        _session = session;
        Id = id;
        IsInbound = inbound;
        _receiveWindow = initialWindow;
        _sendWindow = initialSendWindow;
        _windowUpdateThreshold = initialWindow / 2;
    }

    public uint Id { get; }

    public bool IsInbound { get; }

    /// <summary>The protocol negotiated on this stream, once known.</summary>
    public string? Protocol { get; set; }

    /// <summary>Payload bytes received from the remote (buffered or read).</summary>
    public long BytesRead { get { lock (_sync) return _bytesRead; } }

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Why the stream failed (reset or connection closed), or null.</summary>
    public string? Failure { get { lock (_sync) return _failure; } }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.Length == 0) return 0;
        while (true)
        {
            Task wait;
            int n = 0, update = 0;
            lock (_sync)
            {
                if (_received.Count > 0)
                {
                    while (n < buffer.Length && _received.Count > 0)
                    {
                        var (buf, length) = _received.Peek();
                        var take = Math.Min(buffer.Length - n, length - _headOffset);
                        buf.AsSpan(_headOffset, take).CopyTo(buffer.Span[n..]);
                        n += take;
                        _headOffset += take;
                        if (_headOffset == length)
                        {
                            _received.Dequeue();
                            ArrayPool<byte>.Shared.Return(buf);
                            _headOffset = 0;
                        }
                    }
                    _consumedSinceUpdate += n;
                    if (_consumedSinceUpdate >= _windowUpdateThreshold && !_remoteFin && _failure is null)
                    {
                        update = _consumedSinceUpdate;
                        _consumedSinceUpdate = 0;
                        _receiveWindow += update;
                    }
                    wait = Task.CompletedTask;
                }
                else if (_failure is not null) throw new YamuxException(_failure);
                else if (_remoteFin || _readClosed) return 0;
                else
                {
                    _readWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _readWaiter.Task;
                }
            }
            if (n > 0)
            {
                if (update > 0) await _session.SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.None, Id, (uint)update).ConfigureAwait(false);
                return n;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        while (buffer.Length > 0)
        {
            Task? wait = null;
            var chunk = 0;
            lock (_sync)
            {
                if (_failure is not null) throw new YamuxException(_failure);
                if (_localFin) throw new YamuxException("stream is closed for writing");
                if (_sendWindow == 0)
                {
                    _writeWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _writeWaiter.Task;
                }
                else
                {
                    chunk = (int)Math.Min(Math.Min(buffer.Length, _sendWindow), _session.Options.MaxDataFrame);
                    _sendWindow -= chunk;
                }
            }
            if (wait is not null)
            {
                await wait.WaitAsync(ct).ConfigureAwait(false);
                continue;
            }
            await _session.SendDataAsync(Id, buffer[..chunk], ct).ConfigureAwait(false);
            Interlocked.Add(ref _bytesWritten, chunk);
            buffer = buffer[chunk..];
        }
    }

    /// <summary>Half-closes: the remote reads end of stream; this side may still read.</summary>
    public async Task CloseWriteAsync()
    {
        bool both;
        lock (_sync)
        {
            if (_localFin || _failure is not null) return;
            _localFin = true;
            both = _remoteFin;
        }
        await _session.SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0).ConfigureAwait(false);
        if (both) _session.Remove(this);
    }

    /// <summary>
    /// Stops reading: buffered and later data is dropped without granting more window, so a remote that
    /// keeps sending stalls instead of filling this side's memory.
    /// </summary>
    public void CloseRead()
    {
        TaskCompletionSource? waiter;
        lock (_sync)
        {
            _readClosed = true;
            while (_received.Count > 0) ArrayPool<byte>.Shared.Return(_received.Dequeue().Buffer);
            _headOffset = 0;
            (waiter, _readWaiter) = (_readWaiter, null);
        }
        waiter?.TrySetResult();
    }

    /// <summary>Bytes received and not yet read.</summary>
    internal int BufferedBytes
    {
        get
        {
            lock (_sync) return _received.Sum(r => r.Length) - _headOffset;
        }
    }

    /// <summary>Aborts the stream in both directions and tells the remote (RST).</summary>
    public void Reset()
    {
        if (!Fail("stream reset locally")) return;
        _ = _session.SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, Id, 0);
        _session.Remove(this);
    }

    internal long ReceiveWindow { get { lock (_sync) return _receiveWindow; } }

    /// <summary>Takes ownership of a rented buffer; false when the data exceeds the window granted.</summary>
    internal bool OnData(byte[] rented, int length)
    {
        TaskCompletionSource? waiter;
        lock (_sync)
        {
            if (length > _receiveWindow) return false;
            _receiveWindow -= length;
            _bytesRead += length;
            if (_failure is not null || _remoteFin || _readClosed)
            {
                ArrayPool<byte>.Shared.Return(rented);
                return true;
            }
            _received.Enqueue((rented, length));
            (waiter, _readWaiter) = (_readWaiter, null);
        }
        waiter?.TrySetResult();
        return true;
    }

    /// <summary>False when the window would overflow 32 bits (a protocol violation).</summary>
    internal bool OnWindowUpdate(uint delta)
    {
        TaskCompletionSource? waiter;
        lock (_sync)
        {
            if (_sendWindow + delta > uint.MaxValue) return false;
            _sendWindow += delta;
            (waiter, _writeWaiter) = (_writeWaiter, null);
        }
        waiter?.TrySetResult();
        return true;
    }

    internal void OnRemoteFin()
    {
        TaskCompletionSource? waiter;
        bool both;
        lock (_sync)
        {
            _remoteFin = true;
            both = _localFin;
            (waiter, _readWaiter) = (_readWaiter, null);
        }
        waiter?.TrySetResult();
        if (both) _session.Remove(this);
    }

    internal void OnRemoteReset()
    {
        if (Fail("stream reset by remote")) _session.Remove(this);
    }

    /// <summary>Marks the stream failed and wakes waiters; false if it already was.</summary>
    internal bool Fail(string reason)
    {
        TaskCompletionSource? r, w;
        lock (_sync)
        {
            if (_failure is not null) return false;
            _failure = reason;
            while (_received.Count > 0) ArrayPool<byte>.Shared.Return(_received.Dequeue().Buffer);
            _headOffset = 0;
            (r, _readWaiter) = (_readWaiter, null);
            (w, _writeWaiter) = (_writeWaiter, null);
        }
        r?.TrySetResult();
        w?.TrySetResult();
        return true;
    }

    /// <summary>True once, for the caller that takes the stream out of its session.</summary>
    internal bool MarkRemoved()
    {
        lock (_sync)
        {
            if (_removed) return false;
            _removed = true;
            return true;
        }
    }

    public override ValueTask DisposeAsync()
    {
        var task = CloseWriteAsync();
        return new ValueTask(task);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _ = CloseWriteAsync();
        base.Dispose(disposing);
    }
}
