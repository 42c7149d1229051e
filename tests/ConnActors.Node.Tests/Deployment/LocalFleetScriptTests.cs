using System.Diagnostics;
using System.Text.RegularExpressions;
using ConnActors.Node.Tests.Support;
using ConnActors.Tests.Shared;
using Npgsql;

namespace ConnActors.Node.Tests.Deployment;

/// <summary>
/// tests/fleet/run-local-fleet.sh, the docker-compose.yml topology as local processes, run as an operator runs it: the
/// three nodes form one cluster on the local PostgreSQL, the script prints the members and stops them, each with exit
/// code 0, and each node's peer store was in its own schema.
/// </summary>
public sealed class LocalFleetScriptTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    [PostgreSqlFact]
    public async Task The_local_fleet_forms_prints_its_members_and_stops_cleanly()
    {
        if (PostgreSqlServer.Unreachable is { } reason) throw new InvalidOperationException(PostgreSqlServer.FailureMessage(reason));
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryFolder.Root };
        start.ArgumentList.Add(RepositoryFolder.Of("tests", "fleet", "run-local-fleet.sh"));
        start.Environment["FLEET_BIN"] = AppContext.BaseDirectory; // the node, connctl and hocon/ built with the tests
        start.Environment["CONNACTORS_TEST_POSTGRES"] = PostgreSqlServer.ConnectionString;
        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        var stderr = script.StandardError.ReadToEndAsync();
        using (var cancel = new CancellationTokenSource(RunTimeout))
        {
            try
            {
                await script.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                script.Kill(entireProcessTree: true);
                throw new TimeoutException($"run-local-fleet.sh did not end within {RunTimeout}\n{await stdout}\n{await stderr}");
            }
        }
        string output = await stdout + "\n" + await stderr;

        Assert.True(script.ExitCode == 0, $"exit code {script.ExitCode}\n{output}");
        Assert.Contains("every node sees the 3 members Up", output, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Matches(output, "\"status\": \"Up\"").Count); // the gateway's GET /api/cluster
        Assert.Contains("\"budget\": 3000", output, StringComparison.Ordinal);
        foreach (var node in new[] { "gateway", "cluster-1", "cluster-2" }) Assert.Contains($"{node} stopped with exit code 0", output, StringComparison.Ordinal);
        foreach (var schema in new[] { "gateway", "cluster_1", "cluster_2" }) Assert.True(HasJournal(schema), $"no journal table in schema {schema}\n{output}");
    }

    private static bool HasJournal(string schema)
    {
        using var connection = new NpgsqlConnection(PostgreSqlServer.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name = 'journal'", connection);
        command.Parameters.AddWithValue("schema", schema);
        return (long)command.ExecuteScalar()! == 1;
    }
}
