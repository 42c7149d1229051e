namespace ConnActors.Cli.Node;

/// <summary>The node answered an HTTP error status with its <c>{"error": ...}</c>.</summary>
internal sealed class NodeRefusedException(int statusCode, string error) : Exception($"the node refused ({statusCode}): {error}")
{
    public int StatusCode { get; } = statusCode;

    public string Error { get; } = error;
}

/// <summary>No answer from the node at all: not listening, wrong address, timed out.</summary>
internal sealed class NodeUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The node answered, and what was asked for does not exist (e.g. a DHT lookup that found no such peer): exit code 1.</summary>
internal sealed class NotFoundException(string message) : Exception(message);
