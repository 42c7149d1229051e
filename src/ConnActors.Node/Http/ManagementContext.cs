using Akka.Actor;

namespace ConnActors.Node.Http;

/// <summary>What the management API serves from: the node's actor system (its event stream), its connection manager and its data directory (the API token).</summary>
internal sealed record ManagementContext(ActorSystem System, IActorRef Manager, string DataDirectory);
