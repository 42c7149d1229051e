using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ConnActors.Node.Tests.Support;

/// <summary>connctl run as a process (<c>dotnet connctl.dll ...</c>), as an operator or a script runs it.</summary>
internal sealed class ConnctlProcess : IDisposable
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ConnctlProcess(Process process) => _process = process;

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    public IReadOnlyCollection<string> StdoutLines => _stdout;

    /// <summary>Starts connctl with <paramref name="args"/>; <paramref name="token"/> goes in CONNACTORS_TOKEN (never inherited from the test's environment).</summary>
    public static ConnctlProcess Start(IEnumerable<string> args, string? token = null, string? workingDirectory = null)
    {
        var start = ForegroundStart.Of(NodeProcess.DotnetHost);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = workingDirectory ?? Directory.CreateTempSubdirectory("connctl-cwd-").FullName;
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var variable in new[] { "CONNACTORS_TOKEN", "CONNACTORS_NODE", "CONNACTORS_DATA_DIR" }) start.Environment.Remove(variable);
        if (token is not null) start.Environment["CONNACTORS_TOKEN"] = token;
        var process = new Process { StartInfo = start };
        var connctl = new ConnctlProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) connctl._stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) connctl._stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return connctl;
    }

    /// <summary>Runs connctl to its end.</summary>
    public static async Task<ConnctlResult> RunAsync(IEnumerable<string> args, string? token = null)
    {
        var list = args.ToList();
        using var connctl = Start(list, token);
        int code = await connctl.WaitForExitAsync(RunTimeout);
        return new ConnctlResult("connctl " + string.Join(' ', list), code, connctl.Stdout, connctl.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            throw new TimeoutException($"connctl did not exit within {timeout.TotalSeconds}s\nstdout: {Stdout}\nstderr: {Stderr}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the stdout lines so far.</summary>
    public async Task WaitForStdoutAsync(Func<IReadOnlyCollection<string>, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(_stdout))
        {
            if (_process.HasExited) throw new Xunit.Sdk.XunitException($"connctl exited ({_process.ExitCode}) before {what}\nstdout: {Stdout}\nstderr: {Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"connctl did not show {what} within {timeout.TotalSeconds}s\nstdout: {Stdout}\nstderr: {Stderr}");
            await Task.Delay(50);
        }
    }

    public async Task WaitForStderrAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_stderr.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited) throw new Xunit.Sdk.XunitException($"connctl exited ({_process.ExitCode}) before printing '{text}'\nstdout: {Stdout}\nstderr: {Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"connctl did not print '{text}' within {timeout.TotalSeconds}s\nstderr: {Stderr}");
            await Task.Delay(50);
        }
    }

    public void Signal(PosixSignalNumber signal) => PosixSignals.Send(_process.Id, signal);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "connctl.dll");
}

/// <summary>How a connctl run ended.</summary>
internal sealed record ConnctlResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public ConnctlResult Expect(int exitCode)
    {
        Assert.True(ExitCode == exitCode, $"{Command}: expected exit code {exitCode}, got {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
        return this;
    }

    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new Xunit.Sdk.XunitException($"{Command}: no JSON on stdout: {Stdout}");
}
