namespace ConnActors.Libp2p.Host;

/// <summary>A connection was not established: refused by a hook, timed out, or the remote misbehaved.</summary>
public sealed class HandshakeFailedException(string reason, Exception? inner = null) : IOException(reason, inner)
{
    public string Reason => Message;
}
