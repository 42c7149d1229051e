using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>
/// A peer in its own process driven over JSON lines: a real js-libp2p node (tests/interop/peer.mjs) or
/// this assembly's C# listener (benchmarks). Fails loudly when node or the npm packages are missing:
/// interop tests never skip silently.
/// </summary>
public sealed class PeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<JsonObject> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    private PeerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) OnLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        _process.Exited += (_, _) =>
        {
            var error = new InvalidOperationException("peer process exited: " + string.Join("\n", _stderr.TakeLast(20)));
            _ready.TrySetException(error);
            foreach (var p in _pending.Values) p.TrySetException(error);
        };
    }

    public PeerId PeerId { get; private set; } = null!;

    /// <summary>The js node's listen address, with its /p2p id.</summary>
    public Multiaddr Address { get; private set; } = null!;

    public int ProcessId => _process.Id;

    /// <summary>
    /// A js-libp2p node of <paramref name="script"/> (tests/interop: peer.mjs, or dht-peer.mjs for Kad-DHT nodes);
    /// <paramref name="exposeGc"/> lets the "gc" command collect before memory is measured.
    /// </summary>
    public static Task<PeerProcess> StartJsAsync(bool exposeGc = false, string script = "peer.mjs") =>
        StartAsync("node", exposeGc ? $"--expose-gc {script}" : script, InteropDirectory());

    /// <summary>
    /// This assembly run as a program with <paramref name="verb"/>: by default the C# listener of
    /// Bench/BenchProgram; assemblies that link this file choose their own listener verbs.
    /// </summary>
    public static Task<PeerProcess> StartCsharpListenerAsync(string verb = "listen") =>
        StartAsync("dotnet", $"exec \"{typeof(PeerProcess).Assembly.Location}\" {verb}", AppContext.BaseDirectory);

    private static async Task<PeerProcess> StartAsync(string fileName, string arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{fileName}' not found on PATH; interop tests need Node.js 20+ (then `npm ci` in tests/interop)", e);
        }
        var peer = new PeerProcess(process);
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ready = await peer._ready.Task.WaitAsync(CommandTimeout);
        peer.PeerId = PeerId.Parse(ready["peerId"]!.GetValue<string>());
        peer.Address = Multiaddr.Parse(ready["addrs"]![0]!.GetValue<string>());
        return peer;
    }

    /// <summary>Runs a command; throws when the js side reports a failure.</summary>
    public async Task<JsonObject> RunAsync(string cmd, object? args = null)
    {
        var reply = await TryRunAsync(cmd, args);
        if (reply["ok"]!.GetValue<bool>() != true) throw new InvalidOperationException($"peer {cmd} failed: {reply["error"]}");
        return reply;
    }

    /// <summary>Runs a command and returns the reply, successful or not.</summary>
    public async Task<JsonObject> TryRunAsync(string cmd, object? args = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = args is null ? new JsonObject() : JsonSerializer.SerializeToNode(args)!.AsObject();
        message["id"] = id;
        message["cmd"] = cmd;
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        lock (_process) _process.StandardInput.WriteLine(message.ToJsonString());
        try
        {
            return await done.Task.WaitAsync(CommandTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"peer {cmd} gave no answer in {CommandTimeout.TotalSeconds} s; stderr: {string.Join("\n", _stderr.TakeLast(20))}");
        }
    }

    private void OnLine(string line)
    {
        JsonObject obj;
        try { obj = JsonNode.Parse(line)!.AsObject(); }
        catch (JsonException) { _stderr.Enqueue("stdout: " + line); return; }
        if (obj["event"]?.GetValue<string>() == "ready") _ready.TrySetResult(obj);
        else if (obj["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var waiter)) waiter.TrySetResult(obj);
    }

    private static string InteropDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (!File.Exists(Path.Combine(candidate, "peer.mjs"))) continue;
            if (!Directory.Exists(Path.Combine(candidate, "node_modules", "libp2p")))
                throw new InvalidOperationException($"js-libp2p is not installed: run `npm ci` in {candidate} (bash .ci/test-all.sh does it)");
            return candidate;
        }
        throw new InvalidOperationException("tests/interop/peer.mjs not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await TryRunAsync("exit").WaitAsync(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException) { }
        finally
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
