using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ConnActors.Actors.Manager;

namespace ConnActors.Node.Live;

/// <summary>
/// Fans the manager's events out to the clients of <c>GET /api/events</c>. Each client has a bounded buffer; a client
/// too slow to keep up loses its oldest events (and is told how many with a <c>lost</c> event), never slows the node.
/// </summary>
internal sealed class LiveFeed : IManagerEventSink
{
    public const int BufferPerClient = 1024;

    private readonly ConcurrentDictionary<Subscriber, byte> _subscribers = new();

    public int Clients => _subscribers.Count;

    public void Accept(IManagerEvent managerEvent, DateTimeOffset at)
    {
        var live = new LiveEvent(LiveEvent.TypeOf(managerEvent), at, managerEvent);
        foreach (var subscriber in _subscribers.Keys) subscriber.Offer(live);
    }

    /// <summary>Subscribes now: every event from this moment on is kept for the subscription until it is read or disposed.</summary>
    public Subscription Subscribe()
    {
        var subscriber = new Subscriber();
        _subscribers[subscriber] = 0;
        return new Subscription(subscriber, () => _subscribers.TryRemove(subscriber, out _));
    }

    /// <summary>One client's events; dispose to unsubscribe.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly Subscriber _subscriber;
        private readonly Action _unsubscribe;

        internal Subscription(Subscriber subscriber, Action unsubscribe)
        {
            _subscriber = subscriber;
            _unsubscribe = unsubscribe;
        }

        /// <summary>The events as they come, ending quietly when <paramref name="cancel"/> fires.</summary>
        public async IAsyncEnumerable<LiveEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancel)
        {
            while (await WaitAsync(cancel))
            {
                if (_subscriber.TakeLost() is > 0 and var lost) yield return new LiveEvent(LiveEvent.Lost, DateTimeOffset.UtcNow, new EventsLost(lost));
                while (_subscriber.Reader.TryRead(out var live)) yield return live;
            }
        }

        public void Dispose() => _unsubscribe();

        private async Task<bool> WaitAsync(CancellationToken cancel)
        {
            try
            {
                return await _subscriber.Reader.WaitToReadAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    internal sealed class Subscriber
    {
        private readonly Channel<LiveEvent> _channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(BufferPerClient)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

        private long _lost;

        public ChannelReader<LiveEvent> Reader => _channel.Reader;

        public void Offer(LiveEvent live)
        {
            if (!_channel.Writer.TryWrite(live)) Interlocked.Increment(ref _lost);
        }

        public long TakeLost() => Interlocked.Exchange(ref _lost, 0);
    }
}

/// <summary>Events a slow client missed because its buffer was full.</summary>
internal sealed record EventsLost(long Count) : IManagerEvent;
