namespace ConnActors.Libp2p.Host;

/// <summary>A connection attempt in its handshake: cancelled when the host stops or when it is aborted by id.</summary>
internal sealed class PendingAttempt : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private string? _abortReason;

    public PendingAttempt(CancellationToken stopping) => _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);

    public CancellationToken Token => _cancel.Token;

    /// <summary>Why the attempt was aborted, or null when it was not.</summary>
    public string? AbortReason => Volatile.Read(ref _abortReason);

    public void Abort(string reason)
    {
        if (Interlocked.CompareExchange(ref _abortReason, reason, null) is null) _cancel.Cancel();
    }

    public void Dispose() => _cancel.Dispose();
}
