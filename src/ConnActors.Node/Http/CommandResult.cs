using ConnActors.Actors.Manager;

namespace ConnActors.Node.Http;

/// <summary>The body of a command's success answer: <c>{"result": "what the manager did"}</c>.</summary>
internal sealed record CommandResult(string Result)
{
    public static IResult Ok(CommandAck ack) => Results.Ok(new CommandResult(ack.What));
}
