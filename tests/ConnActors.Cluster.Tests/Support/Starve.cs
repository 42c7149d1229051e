using Akka.Actor;
using Akka.Dispatch.SysMsg;

namespace ConnActors.Cluster.Tests.Support;

/// <summary>
/// Starves an actor as a loaded machine does, only for good: its mailbox is suspended, so it runs nothing (no timers,
/// no messages) until resumed. Used to show what still holds when a member's actors do not run on time.
/// </summary>
internal static class Starve
{
    public static void Suspend(IActorRef actor) => ((IInternalActorRef)actor).SendSystemMessage(new Suspend());

    public static void Resume(IActorRef actor) => ((IInternalActorRef)actor).SendSystemMessage(new Resume(causedByFailure: null));
}
