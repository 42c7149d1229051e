using Akka.Actor;
using ConnActors.Actors.Dht;

namespace ConnActors.Node.Metrics;

/// <summary>Hands every <see cref="DhtLookupFinished"/> on the event stream to the DHT's metrics.</summary>
internal sealed class DhtLookupObserver : ReceiveActor
{
    public DhtLookupObserver(DhtMetrics metrics) => Receive<DhtLookupFinished>(metrics.Observe);

    public static Props Props(DhtMetrics metrics) => Akka.Actor.Props.Create(() => new DhtLookupObserver(metrics));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DhtLookupFinished));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
