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

    /// <summary>The events from now on, until <paramref name="cancel"/> (the client leaving).</summary>
    public async IAsyncEnumerable<LiveEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancel)
    {
        var subscriber = new Subscriber();
        _subscribers[subscriber] = 0;
        try
        {
            while (await subscriber.Reader.WaitToReadAsync(cancel))
            {
                if (subscriber.TakeLost() is > 0 and var lost) yield return new LiveEvent(LiveEvent.Lost, DateTimeOffset.UtcNow, new EventsLost(lost));
                while (subscriber.Reader.TryRead(out var live)) yield return live;
            }
        }
        finally
        {
            _subscribers.TryRemove(subscriber, out _);
        }
    }

    private sealed class Subscriber
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
