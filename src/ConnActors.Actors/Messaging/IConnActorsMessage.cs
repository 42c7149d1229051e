namespace ConnActors.Actors.Messaging;

/// <summary>
/// Marker of the project's own messages that may cross nodes. Hyperion is bound to this interface
/// only (never to System.Object), so nothing else is deserialized from the wire.
/// </summary>
public interface IConnActorsMessage;
