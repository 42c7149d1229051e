using Akka.Actor;
using ConnActors.Actors.Manager;

namespace ConnActors.Node.Http;

/// <summary>Asks the connection manager on behalf of a request (never blocking) and turns failures into error answers.</summary>
internal sealed class ManagerClient(IActorRef manager, TimeSpan timeout)
{
    /// <summary>The connection manager (its siblings, e.g. the DHT, are found from it).</summary>
    public IActorRef Manager => manager;

    public Task<(ManagerStatus? Status, IResult? Error)> StatusAsync(CancellationToken cancel) =>
        AskAsync<ManagerStatus>(GetManagerStatus.Instance, cancel);

    /// <summary>Asks the manager (or <paramref name="target"/>, one of its children) a question.</summary>
    public async Task<(T? Answer, IResult? Error)> AskAsync<T>(object question, CancellationToken cancel, IActorRef? target = null) where T : class
    {
        try
        {
            return (await (target ?? manager).Ask<T>(question, timeout, cancel), null);
        }
        catch (Exception e) when (ErrorFor(e) is { } error)
        {
            return (null, error);
        }
    }

    /// <summary>Sends <paramref name="command"/> and answers with <paramref name="onAck"/> once the manager acknowledged it.</summary>
    public async Task<IResult> CommandAsync(object command, Func<CommandAck, IResult> onAck, CancellationToken cancel)
    {
        try
        {
            return onAck(await manager.Ask<CommandAck>(command, timeout, cancel));
        }
        catch (Exception e) when (ErrorFor(e) is { } error)
        {
            return error;
        }
    }

    private IResult? ErrorFor(Exception e) => e switch
    {
        AskTimeoutException => ApiError.Status(StatusCodes.Status504GatewayTimeout, $"the connection manager did not answer within {timeout.TotalSeconds:0.#}s"),
        ArgumentException => ApiError.BadRequest(e.Message),
        IOException => ApiError.Status(StatusCodes.Status503ServiceUnavailable, e.Message),
        OperationCanceledException => ApiError.Status(StatusCodes.Status503ServiceUnavailable, "the request was cancelled"),
        _ => null,
    };
}
