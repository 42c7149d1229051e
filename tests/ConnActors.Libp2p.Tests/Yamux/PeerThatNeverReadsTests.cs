using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Tests.Support;
using ConnActors.Libp2p.Transport;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.Yamux;

/// <summary>
/// A session whose peer never reads: tiny socket buffers on both ends, so whatever the session writes
/// (stream data, ping answers, window updates) backs up within a few kilobytes. Every case must end the
/// session at the write deadline with its reason, flagged for a reset, with every stream released; what the
/// kernel took without a pending write is bounded by the connection's unacknowledged-data timeout.
/// </summary>
public class PeerThatNeverReadsTests
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan UnacknowledgedDataTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Stream_data_to_a_peer_that_never_reads_ends_the_session_at_the_write_deadline()
    {
        // The server answers every stream with a full window of data.
        await using var fixture = await NeverReadingPeer.StartAsync(async stream =>
        {
            try { await stream.WriteAsync(new byte[YamuxOptions.SpecInitialWindow]); }
            catch (YamuxException) { }
        });
        await fixture.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        await fixture.AssertEndsAtTheWriteDeadlineAsync();
    }

    [Fact]
    public async Task Ping_answers_to_a_peer_that_never_reads_end_the_session_at_the_write_deadline()
    {
        // The flood guard is lifted so that only the write deadline can end this session.
        await using var fixture = await NeverReadingPeer.StartAsync(_ => Task.CompletedTask, maxUnsentPingAnswers: int.MaxValue);
        for (uint i = 0; !fixture.Server.Completion.IsCompleted && i < 1_000_000; i++)
            await fixture.SendAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, i);
        await fixture.AssertEndsAtTheWriteDeadlineAsync();
    }

    [Fact]
    public async Task Window_updates_to_a_peer_that_never_reads_end_the_session_at_the_write_deadline()
    {
        // The server reads everything, so it grants window (an update per half window read) on every stream.
        await using var fixture = await NeverReadingPeer.StartAsync(stream => stream.CopyToAsync(Stream.Null), unacknowledgedDataTimeout: UnacknowledgedDataTimeout);
        var window = new byte[YamuxOptions.SpecInitialWindow];
        // The client keeps opening streams until the server ends the session. Each of its writes waits for the server
        // to read, so it is not bounded by itself: what is bounded is the session's end, which is the claim here.
        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            for (uint id = 1; !fixture.Server.Completion.IsCompleted && !stop.IsCancellationRequested && id < 20_000; id += 2)
            {
                await fixture.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0, null, bounded: false, stop.Token);
                await fixture.SendAsync(YamuxFrameType.Data, YamuxFlags.None, id, (uint)window.Length, window, bounded: false, stop.Token);
            }
        });
        try
        {
            await fixture.AssertEndsAtTheWriteDeadlineAsync(orUnacknowledgedDataTimeout: true);
        }
        finally
        {
            stop.Cancel();
            await sending.Within("the client stops sending once the session ended or the test gave up");
        }
    }

    [Fact]
    public async Task Answers_that_fit_in_the_socket_buffer_end_the_connection_at_the_unacknowledged_data_timeout()
    {
        // The server's socket buffer takes the whole answer, so no write is ever pending and the write deadline
        // (5 min here) cannot fire: only the kernel, probing the peer's zero window, sees that nothing is read.
        await using var fixture = await NeverReadingPeer.StartAsync(async stream =>
        {
            try { await stream.WriteAsync(new byte[64 * 1024]); }
            catch (YamuxException) { }
        }, writeTimeout: TimeSpan.FromMinutes(5), unacknowledgedDataTimeout: TimeSpan.FromSeconds(2), serverSendBuffer: 1024 * 1024);
        await fixture.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);

        var reason = await fixture.Server.Completion.Within("the kernel aborts the connection once its data waited 2 s for an acknowledgement");
        Assert.StartsWith("connection failed:", reason);
        Assert.Contains("timed out", reason, StringComparison.OrdinalIgnoreCase);
        await fixture.Server.StoppedAsync().Within("read loop and writers stop once the connection is aborted");
        Assert.Equal(0, fixture.Server.StreamCount);
    }

    [Fact]
    public async Task A_protocol_error_while_the_peer_reads_nothing_still_ends_the_session_at_once()
    {
        await using var fixture = await NeverReadingPeer.StartAsync(async stream =>
        {
            try { await stream.WriteAsync(new byte[YamuxOptions.SpecInitialWindow]); }
            catch (YamuxException) { }
        }, writeTimeout: TimeSpan.FromMinutes(5));
        await fixture.SendAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        await Task.Delay(200); // the answer backs up in the socket
        await fixture.SendAsync((YamuxFrameType)9, YamuxFlags.None, 0, 0);
        var reason = await fixture.Server.Completion.Within("the session ends on the protocol error, long before its write deadline");
        Assert.Equal("yamux protocol error: unknown yamux frame type 9", reason);
        Assert.True(fixture.Server.EndedByFault);
    }

    /// <summary>A server session over a socket with a tiny send buffer, and a raw client with a tiny receive buffer that never reads.</summary>
    private sealed class NeverReadingPeer : IAsyncDisposable
    {
        private readonly Socket _client;
        private readonly NetworkStream _clientStream;
        private readonly TcpConnection _server;

        private NeverReadingPeer(Socket client, TcpConnection server, YamuxSession session)
        {
            _client = client;
            _clientStream = new NetworkStream(client, ownsSocket: false);
            _server = server;
            Server = session;
        }

        public YamuxSession Server { get; }

        public static async Task<NeverReadingPeer> StartAsync(
            Func<YamuxStream, Task> onInbound, int maxUnsentPingAnswers = 64, TimeSpan? writeTimeout = null,
            TimeSpan? unacknowledgedDataTimeout = null, int serverSendBuffer = 2048)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 2048 };
            using var timeout = new CancellationTokenSource(Bounded.Limit);
            await client.ConnectAsync(listener.LocalEndPoint!, timeout.Token);
            var accepted = await listener.AcceptAsync(timeout.Token);
            accepted.SendBufferSize = serverSendBuffer;
            var server = new TcpConnection(accepted, unacknowledgedDataTimeout);
            var options = new YamuxOptions
            {
                WriteTimeout = writeTimeout ?? WriteTimeout,
                MaxUnsentPingAnswers = maxUnsentPingAnswers,
                MaxInboundStreams = 20_000,
            };
            var session = new YamuxSession(server.Stream, isClient: false, options, onInbound);
            session.Start();
            // As the host does: whenever the session ends, its socket is reset.
            _ = session.Completion.ContinueWith(_ => server.Abort(), TaskScheduler.Default);
            return new NeverReadingPeer(client, server, session);
        }

        /// <summary>
        /// Sends one raw frame; once the server has ended, its socket refuses, which is fine here. Unless
        /// <paramref name="bounded"/>, a write waits for the server to read for as long as <paramref name="cancel"/> allows.
        /// </summary>
        public async Task SendAsync(YamuxFrameType type, YamuxFlags flags, uint stream, uint length, byte[]? payload = null, bool bounded = true, CancellationToken cancel = default)
        {
            var header = new byte[YamuxHeader.Size];
            new YamuxHeader(0, type, flags, stream, length).Write(header);
            try
            {
                if (bounded)
                {
                    await _clientStream.WriteAsync(header).Within("client: send a frame header");
                    if (payload is not null) await _clientStream.WriteAsync(payload).Within("client: send a frame's payload");
                    return;
                }
                await _clientStream.WriteAsync(header, cancel);
                if (payload is not null) await _clientStream.WriteAsync(payload, cancel);
            }
            catch (IOException) when (Server.Completion.IsCompleted) { }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
        }

        /// <summary>
        /// The session ends on its write deadline (not sooner, not never), flagged for a reset, with nothing left open.
        /// With <paramref name="orUnacknowledgedDataTimeout"/> the kernel may end it first, as below.
        /// </summary>
        public async Task AssertEndsAtTheWriteDeadlineAsync(bool orUnacknowledgedDataTimeout = false)
        {
            var reason = await Server.Completion.Within("the session ends at its write deadline");
            if (orUnacknowledgedDataTimeout && reason.StartsWith("connection failed:", StringComparison.Ordinal))
            {
                // With 2 KiB buffers on both ends a loaded loopback pair can stall (each side's retransmissions dropped
                // by the other, both timers backing off) after the server's last write was taken by the kernel: no
                // write is pending, so the deadline never runs, and the kernel's TCP_USER_TIMEOUT ends it instead.
                Assert.Contains("timed out", reason, StringComparison.OrdinalIgnoreCase);
                await Server.StoppedAsync().Within("read loop and writers stop once the connection is aborted");
                Assert.Equal(0, Server.StreamCount);
                return;
            }
            Assert.StartsWith($"write timed out: the peer took no data for {WriteTimeout.TotalSeconds} s", reason);
            Assert.True(Server.EndedByFault, "a session that ends on its write deadline asks for a reset");
            await Server.StoppedAsync().Within("read loop and writers stop once the socket is reset");
            Assert.Equal(0, Server.StreamCount);
        }

        public async ValueTask DisposeAsync()
        {
            _server.Abort();
            await Server.DisposeAsync().Within("session disposed");
            _clientStream.Dispose();
            _client.Dispose();
        }
    }
}
