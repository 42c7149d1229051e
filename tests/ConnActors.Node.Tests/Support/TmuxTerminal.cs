using System.Diagnostics;

namespace ConnActors.Node.Tests.Support;

/// <summary>A program running in a real terminal (tmux on a socket of its own): keys are sent as a person types them, the screen is read back.</summary>
internal sealed class TmuxTerminal : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private readonly string _socket = $"connactors-test-{Guid.NewGuid():N}";

    private TmuxTerminal()
    {
    }

    /// <summary>Starts <paramref name="command"/> (a shell command line) in a 160x50 terminal.</summary>
    public static async Task<TmuxTerminal> StartAsync(string command)
    {
        var terminal = new TmuxTerminal();
        await terminal.TmuxAsync("new-session", "-d", "-x", "160", "-y", "50", command);
        return terminal;
    }

    /// <summary>Types keys; tmux key names such as <c>Tab</c> and <c>Enter</c> are pressed, other words typed literally.</summary>
    public Task SendKeysAsync(params string[] keys) => TmuxAsync(["send-keys", .. keys]);

    public Task<string> ScreenAsync() => TmuxAsync("capture-pane", "-p", "-S", "-50");

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>.</summary>
    public async Task<string> WaitForScreenAsync(Func<string, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string screen;
        do
        {
            screen = await ScreenAsync();
            if (condition(screen)) return screen;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"the terminal did not show {what} within {timeout.TotalSeconds}s; screen:\n{screen}");
    }

    public async Task<bool> IsRunningAsync()
    {
        try
        {
            await TmuxAsync("has-session");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            TmuxAsync("kill-server").Wait(CommandTimeout);
        }
        catch (AggregateException)
        {
            // Already gone with its last session.
        }
    }

    private async Task<string> TmuxAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("tmux is not installed: run .ci/prerequisites.d/tmux.sh", e);
        }
        using (process)
        {
            using var cancel = new CancellationTokenSource(CommandTimeout);
            string output = await process.StandardOutput.ReadToEndAsync(cancel.Token);
            string error = await process.StandardError.ReadToEndAsync(cancel.Token);
            await process.WaitForExitAsync(cancel.Token);
            if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
            return output;
        }
    }
}
