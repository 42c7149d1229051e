using System.Net;
using System.Net.Sockets;

namespace ConnActors.Actors.Tests.Storm;

/// <summary>
/// A slowloris from many addresses: one TCP socket per loopback source address (127.0.1.2, 127.0.1.3, ...;
/// Linux routes all of 127.0.0.0/8), each silent or sending one byte a second, reopened as soon as the node
/// closes it.
/// </summary>
internal sealed class LoopbackSlowloris : IAsyncDisposable
{
    private static readonly byte[] Trickle = "\u0013/multistream/1.0.0\n"u8.ToArray();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _sockets;
    private long _opened;

    public LoopbackSlowloris(IPEndPoint target, int sockets, bool trickle)
    {
        _sockets = Enumerable.Range(0, sockets).Select(i => Task.Run(() => HoldAsync(target, Source(i), trickle))).ToArray();
    }

    /// <summary>Connections the attack has opened so far.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>127.0.1.2 onwards: 254 addresses per /24, then the next /24.</summary>
    public static IPAddress Source(int i) => new([127, 0, (byte)(1 + i / 254), (byte)(2 + i % 254)]);

    private async Task HoldAsync(IPEndPoint target, IPAddress source, bool trickle)
    {
        var buffer = new byte[64];
        while (!_stop.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(target, _stop.Token);
                Interlocked.Increment(ref _opened);
                if (!trickle)
                {
                    // Silent: wait for the node to give up on us.
                    while (await socket.ReceiveAsync(buffer, _stop.Token) > 0) { }
                    continue;
                }
                for (int sent = 0; ; sent = (sent + 1) % Trickle.Length)
                {
                    await socket.SendAsync(Trickle.AsMemory(sent, 1), _stop.Token);
                    await Task.Delay(1000, _stop.Token);
                }
            }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_sockets).WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
    }
}
