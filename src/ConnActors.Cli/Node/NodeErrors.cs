namespace ConnActors.Cli.Node;

/// <summary>The node answered an HTTP error status with its <c>{"error": ...}</c>.</summary>
internal sealed class NodeRefusedException(int statusCode, string error) : Exception($"the node refused ({statusCode}): {error}")
{
    public int StatusCode { get; } = statusCode;

    public string Error { get; } = error;
}

/// <summary>No answer from the node at all: not listening, wrong address, timed out.</summary>
internal sealed class NodeUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
