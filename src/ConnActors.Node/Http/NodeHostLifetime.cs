namespace ConnActors.Node.Http;

/// <summary>
/// The node owns Ctrl+C and SIGTERM (byes first, then the HTTP server stops with it); the default console lifetime
/// would also react to them, so the web host gets this one, which does nothing.
/// </summary>
internal sealed class NodeHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
