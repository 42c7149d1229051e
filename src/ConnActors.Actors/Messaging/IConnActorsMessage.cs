namespace ConnActors.Actors.Messaging;

/// <summary>
/// Marker of the project's own messages Hyperion may write (it is bound to this interface only, never to System.Object).
/// A binding does not choose what is read: of the project's types, only the fleet's messages are built from the wire
/// (<see cref="WireTypeFilter"/>).
/// </summary>
public interface IConnActorsMessage;
