using Akka.Actor;
using ConnActors.Actors.Manager;

namespace ConnActors.Node.Live;

/// <summary>Subscribes to the manager's events on the EventStream and hands each, stamped with the time it arrived, to the node's sinks (live feed, metrics).</summary>
internal sealed class ManagerEventRelay : ReceiveActor
{
    private readonly IReadOnlyList<IManagerEventSink> _sinks;

    public ManagerEventRelay(IReadOnlyList<IManagerEventSink> sinks)
    {
        _sinks = sinks;
        Receive<IManagerEvent>(e =>
        {
            var at = DateTimeOffset.UtcNow;
            foreach (var sink in _sinks) sink.Accept(e, at);
        });
    }

    public static Props Props(IReadOnlyList<IManagerEventSink> sinks) => Akka.Actor.Props.Create(() => new ManagerEventRelay(sinks));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(IManagerEvent));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
