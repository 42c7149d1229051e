using System.Text.Json.Nodes;
using Akka.Actor;
using ConnActors.Actors.Dht;

namespace ConnActors.Actors.Bench;

/// <summary>
/// Writes every query and lookup the DHT finishes as a JSON line (the events <see cref="DhtQueryFinished"/> and
/// <see cref="DhtLookupFinished"/>), for per-lookup timelines: where a lookup's time went. Started by the
/// benchmark's ConnActors node when <c>DHT_TIMELINE</c> names a file (the variant's name is appended to it).
/// </summary>
internal sealed class DhtTimelineWriter : ReceiveActor
{
    private readonly StreamWriter _out;

    public DhtTimelineWriter(string path)
    {
        _out = new StreamWriter(path, append: false) { AutoFlush = true };
        Receive<DhtQueryFinished>(q => Write(new JsonObject
        {
            ["q"] = q.LookupId, ["kind"] = q.Kind, ["peer"] = q.Peer.ToString()[^6..], ["sent"] = q.SentAtMs, ["ended"] = q.EndedAtMs,
            ["opened"] = q.Opened, ["failure"] = q.Failure, ["slot"] = q.Times.SlotMs, ["queued"] = q.Times.QueuedMs,
            ["dial"] = q.Times.DialMs, ["request"] = q.Times.RequestMs,
        }));
        Receive<DhtLookupFinished>(l => Write(new JsonObject
        {
            ["lookup"] = l.LookupId, ["kind"] = l.Kind, ["outcome"] = l.Outcome.ToString(), ["ms"] = (long)l.Stats.Duration.TotalMilliseconds,
            ["hops"] = l.Stats.Hops, ["queried"] = l.Stats.Queried, ["answered"] = l.Stats.Answered, ["failed"] = l.Stats.Failed,
            ["opened"] = l.Stats.ConnectionsOpened, ["converged"] = l.Stats.Converged, ["timedOut"] = l.Stats.TimedOut,
        }));
    }

    public static Props Props(string path) => Akka.Actor.Props.Create(() => new DhtTimelineWriter(path));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DhtQueryFinished));
        Context.System.EventStream.Subscribe(Self, typeof(DhtLookupFinished));
    }

    protected override void PostStop() => _out.Dispose();

    private void Write(JsonObject line) => _out.WriteLine(line.ToJsonString());
}
