using ConnActors.Actors.Manager;

namespace ConnActors.Node.Live;

/// <summary>Receives every <see cref="IManagerEvent"/> of the node, on the relay actor's thread: must be thread-safe and must not block.</summary>
internal interface IManagerEventSink
{
    void Accept(IManagerEvent managerEvent, DateTimeOffset at);
}
