using Npgsql;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// The PostgreSQL server the node's PostgreSQL tests use (<c>bash .ci/prerequisites.d/postgresql.sh</c> installs and
/// starts it). Unreachable fails the test, except outside CI when CONNACTORS_SKIP_POSTGRES=1 asks to skip it.
/// </summary>
internal static class PostgreSqlServer
{
    public const string ConnectionStringVariable = "CONNACTORS_TEST_POSTGRES";
    public const string SkipVariable = "CONNACTORS_SKIP_POSTGRES";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=connactors;Password=connactors;Database=connactors";

    private static readonly Lazy<string?> Probe = new(ProbeServer);

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>Why the server cannot be used, or null when it answers.</summary>
    public static string? Unreachable => Probe.Value;

    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool SkipRequested => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    public static string FailureMessage(string reason) =>
        $"PostgreSQL is unreachable at '{Redacted}' ({reason}). Run `bash .ci/prerequisites.d/postgresql.sh` to install and start it, " +
        $"point {ConnectionStringVariable} at a server" + (UnderCi ? " (CI=true: the PostgreSQL tests never skip)." : $", or set {SkipVariable}=1 to skip these tests.");

    private static string Redacted => new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString;

    private static string? ProbeServer()
    {
        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5 }.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT 1", connection);
            command.ExecuteScalar();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            return e.Message;
        }
    }
}

/// <summary>A fact on the PostgreSQL server: skipped only when it is unreachable, CONNACTORS_SKIP_POSTGRES=1 and not under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (!PostgreSqlServer.UnderCi && PostgreSqlServer.SkipRequested && PostgreSqlServer.Unreachable is { } reason)
            Skip = $"PostgreSQL unreachable ({reason}); skipped because {PostgreSqlServer.SkipVariable}=1";
    }
}
