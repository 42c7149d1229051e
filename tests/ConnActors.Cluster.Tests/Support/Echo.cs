using Akka.Actor;
using ConnActors.Actors.Messaging;

namespace ConnActors.Cluster.Tests.Support;

/// <summary>A project message (marker interface, so Hyperion carries it between nodes).</summary>
public sealed record Ping(int Sequence, string Text, Guid Id) : IConnActorsMessage;

/// <summary>The echo's answer to a <see cref="Ping"/>: the ping as received, who answered, and the serializer its node binds to pings.</summary>
public sealed record Pong(Ping Ping, string RepliedBy, string Serializer) : IConnActorsMessage;

/// <summary>The echo's answer to anything else it receives: the type's name.</summary>
public sealed record Received(string Type) : IConnActorsMessage;

/// <summary>Asks the echo to answer with a <see cref="Status.Failure"/> carrying an exception with <paramref name="Reason"/>.</summary>
public sealed record FailPlease(string Reason) : IConnActorsMessage;

/// <summary>Not a project message: no marker interface, so no serializer is bound to it.</summary>
public sealed record NotAMessage(string Text);

/// <summary>Answers a <see cref="Ping"/> with a <see cref="Pong"/> naming its node, <see cref="FailPlease"/> with a failure, anything else with <see cref="Received"/>.</summary>
public sealed class EchoActor : ReceiveActor
{
    public const string Name = "echo";

    public EchoActor(string node)
    {
        Receive<Ping>(ping => Sender.Tell(new Pong(ping, node, Context.System.Serialization.FindSerializerFor(ping).GetType().Name)));
        Receive<FailPlease>(fail => Sender.Tell(new Status.Failure(new InvalidOperationException(fail.Reason))));
        ReceiveAny(message => Sender.Tell(new Received(message.GetType().Name)));
    }

    public static Props Props(string node) => Akka.Actor.Props.Create(() => new EchoActor(node));
}
