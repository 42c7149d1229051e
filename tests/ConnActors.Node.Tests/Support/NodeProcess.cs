using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// A ConnActors node started as a separate process (<c>dotnet ConnActors.Node.dll ...</c>) with its stdout and
/// stderr collected line by line. Disposing kills it if it still runs.
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private NodeProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    /// <summary>Starts the node with <paramref name="args"/> (the node's own command-line options).</summary>
    public static NodeProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the node with <paramref name="args"/> and these environment variables set.</summary>
    public static NodeProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = ForegroundStart.Of(DotnetHost);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = AppContext.BaseDirectory;
        start.ArgumentList.Add(NodeDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("CONNACTORS_PROFILE");
        start.Environment.Remove("CONNACTORS_CLUSTER_CERT_PASSWORD");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) node._stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) node._stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Starts a node on loopback (any free ports) over <paramref name="config"/> and waits until its management API serves.</summary>
    /// <remarks>
    /// With <paramref name="httpListen"/> on a wildcard address (<c>http://0.0.0.0:0</c>) the API is reached, and
    /// returned, at 127.0.0.1 on the port it took.
    /// </remarks>
    public static async Task<(NodeProcess Node, Uri Api)> StartServingAsync(NodeDirectories config, string httpListen = "http://127.0.0.1:0")
    {
        var node = Start("--config-dir", config.ConfigDir, "--data-dir", config.DataDir, "--listen", "/ip4/127.0.0.1/tcp/0", "--http", httpListen);
        try
        {
            await node.WaitForStdoutAsync(Libp2pListening(), StartTimeout);
            var match = await node.WaitForStdoutAsync(HttpListening(), StartTimeout);
            return (node, new Uri($"http://127.0.0.1:{match.Groups["port"].Value}"));
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>The first stdout line matching <paramref name="pattern"/>; fails when the process exits or the timeout passes first.</summary>
    public async Task<Match> WaitForStdoutAsync(Regex pattern, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            foreach (var line in _stdout)
            {
                var match = pattern.Match(line);
                if (match.Success) return match;
            }
            if (_process.HasExited)
            {
                try { await _process.WaitForExitAsync(cancel.Token); } // the last lines are read
                catch (OperationCanceledException) { throw new TimeoutException($"the node exited ({_process.ExitCode}) but its output did not end within {timeout.TotalSeconds}s\n{Output}"); }
                if (_stdout.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success) is { } late) return late;
                throw new Xunit.Sdk.XunitException($"the node exited ({_process.ExitCode}) before printing /{pattern}/\n{Output}");
            }
            if (cancel.IsCancellationRequested)
                throw new TimeoutException($"the node did not print /{pattern}/ within {timeout.TotalSeconds}s\n{Output}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>The exit code once the process has exited (and its output was read).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the node did not exit within {timeout.TotalSeconds}s\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>kill -9: the node gets no chance to flush or say bye.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        await WaitForExitAsync(ExitTimeout);
    }

    /// <summary>Sends a POSIX signal, e.g. SIGTERM, as <c>kill -TERM</c> would.</summary>
    public void Signal(PosixSignalNumber signal) => PosixSignals.Send(_process.Id, signal);

    public string Output => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: false);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }

    private static string NodeDll => Path.Combine(AppContext.BaseDirectory, "ConnActors.Node.dll");

    // The SDK tells test hosts which dotnet runs them; the node runs on the same one.
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [GeneratedRegex(@"\] listening on /ip4/127\.0\.0\.1/tcp/\d+/p2p/")]
    private static partial Regex Libp2pListening();

    [GeneratedRegex(@"http management API listening on http://(127\.0\.0\.1|0\.0\.0\.0|\[::\]):(?<port>\d+)")]
    private static partial Regex HttpListening();
}
