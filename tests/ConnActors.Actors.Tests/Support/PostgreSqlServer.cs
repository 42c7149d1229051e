using Npgsql;

namespace ConnActors.Tests.Shared;

// Linked into every test project that needs the PostgreSQL server (.ci/prerequisites.d/postgresql.sh starts it).
/// <summary>Where the PostgreSQL tests find their server, and whether it answers.</summary>
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
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 30 };
            using var connection = new NpgsqlConnection(builder.ConnectionString);
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
