using System.Diagnostics;
using ConnActors.Node.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ConnActors.Node.Tests.Deployment;

/// <summary>
/// docker-compose.yml read by Docker Compose itself, not only by the tests' own reader: <c>docker-compose config</c>
/// (Debian's docker-compose 1.29, installed by .ci/prerequisites.d/docker-compose.sh) validates a file against the
/// Compose schema and resolves it (anchors merged, paths made absolute) without a Docker engine. The file is accepted,
/// and the command lines Compose resolves are the ones <see cref="ComposeFileTests"/> checks with the node's parser.
/// </summary>
public sealed class ComposeConfigTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Compose_accepts_the_file_and_resolves_the_commands_the_node_parser_checks()
    {
        var (code, stdout, stderr) = await ComposeAsync(RepositoryFolder.Of("docker-compose.yml"), "config");

        Assert.True(code == 0, $"docker-compose config refused docker-compose.yml ({code}): {stderr}");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(stdout));
        var services = ComposeFile.Mapping((YamlMappingNode)yaml.Documents[0].RootNode, "services")!;
        Assert.Equal(["cluster-1", "cluster-2", "gateway", "postgres"], services.Children.Keys.Select(k => ComposeFile.Scalar(k)!).Order(StringComparer.Ordinal));
        var ours = ComposeFile.Load(RepositoryFolder.Of("docker-compose.yml")).Services;
        foreach (var (key, value) in services.Children)
        {
            string name = ComposeFile.Scalar(key)!;
            Assert.Equal(ours[name].Command, ComposeFile.Strings((YamlMappingNode)value, "command"));
        }
    }

    [Theory]
    [InlineData("condition: service_healthy", "condition: service_ready", "service_ready")]
    [InlineData("ports: [\"4001:4001\"", "port: [\"4001:4001\"", "'port'")]
    public async Task A_broken_copy_is_refused_naming_what_is_wrong(string original, string broken, string named)
    {
        string text = await File.ReadAllTextAsync(RepositoryFolder.Of("docker-compose.yml"));
        Assert.Contains(original, text, StringComparison.Ordinal);
        string copy = Path.Combine(Path.GetTempPath(), $"connactors-compose-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(copy, text.Replace(original, broken, StringComparison.Ordinal));
        try
        {
            var (code, _, stderr) = await ComposeAsync(copy, "config", "--quiet");

            Assert.NotEqual(0, code);
            Assert.Contains(named, stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    // docker-compose -f FILE --project-directory <repository> ARGS: relative paths resolve against the repository, as for
    // docker-compose.yml itself.
    private static async Task<(int Code, string Stdout, string Stderr)> ComposeAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo("docker-compose") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryFolder.Root };
        foreach (var arg in (string[])["-f", file, "--project-directory", RepositoryFolder.Root, .. args]) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("docker-compose did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("docker-compose is not installed: run .ci/prerequisites.d/docker-compose.sh", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(RunTimeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"docker-compose {string.Join(' ', args)} did not end within {RunTimeout}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
