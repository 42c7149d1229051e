using Akka.Actor;

namespace ConnActors.Node.Http;

/// <summary>
/// What the management API serves from: the node's actor system (its event stream), its connection manager, its
/// Negotiator (null when the node is not a member of a cluster), its DHT (null when <c>connactors.dht.enabled = off</c>)
/// and its data directory (the API token).
/// </summary>
internal sealed record ManagementContext(ActorSystem System, IActorRef Manager, string DataDirectory, IActorRef? Negotiator = null, IActorRef? Dht = null);
