using System.Buffers;
using System.Diagnostics;

namespace ConnActors.Libp2p.Yamux;

/// <summary>The read side: one loop per session decodes frames and enforces the protocol.</summary>
public sealed partial class YamuxSession
{
    private async Task ReadLoopAsync()
    {
        var header = new byte[YamuxHeader.Size];
        try
        {
            while (true)
            {
                if (_completion.Task.IsCompleted) return;
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
        catch (Exception e)
        {
            // Never leave a session half alive: whatever went wrong ends this connection only.
            Terminate($"internal error: {e.GetType().Name}: {e.Message}");
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
        // A window update delta on the SYN is added by the caller like any other window update.
        var stream = new YamuxStream(this, h.StreamId, inbound: true, Options.InitialWindow, YamuxOptions.SpecInitialWindow);
        _streams[h.StreamId] = stream;
        if (_completion.Task.IsCompleted)
        {
            // Ended (a write deadline, a close) while this frame was being read: the sweep may have missed it.
            stream.Fail("connection closed: " + _completion.Task.Result);
            Remove(stream);
            return null;
        }
        // The ACK is queued before the handler can write on the stream.
        var ack = SendControlAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, h.StreamId, ExtraWindow);
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
        {
            // A peer that pings without reading our answers would queue them without bound.
            if (Interlocked.Increment(ref _unsentPingAcks) > Options.MaxUnsentPingAnswers)
                throw new YamuxException($"ping flood: more than {Options.MaxUnsentPingAnswers} answers waiting to be sent");
            _ = AnswerPingAsync(h.Length);
        }
        else if (h.Flags.HasFlag(YamuxFlags.Ack) && _pings.TryRemove(h.Length, out var ping))
            ping.Done.TrySetResult(Stopwatch.GetElapsedTime(ping.Started));
    }

    private async Task AnswerPingAsync(uint opaque)
    {
        try { await SendControlAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, opaque).ConfigureAwait(false); }
        finally { Interlocked.Decrement(ref _unsentPingAcks); }
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
}
