using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ConnActors.Cluster.Tests.Support;

/// <summary>The warnings and errors (and, if asked, the infos) a node's ActorSystem logs from the moment of <see cref="On"/>, to check what a node said.</summary>
internal sealed class LogCapture
{
    private readonly ConcurrentQueue<string> _lines = new();

    private LogCapture()
    {
    }

    /// <summary>Starts recording <paramref name="system"/>'s warnings and errors, and its infos <paramref name="withInfo"/>.</summary>
    public static LogCapture On(ActorSystem system, bool withInfo = false)
    {
        var capture = new LogCapture();
        var recorder = system.ActorOf(Props.Create(() => new Recorder(capture._lines)));
        if (withInfo) system.EventStream.Subscribe(recorder, typeof(Info));
        system.EventStream.Subscribe(recorder, typeof(Warning));
        system.EventStream.Subscribe(recorder, typeof(Error));
        return capture;
    }

    public IReadOnlyList<string> Lines => _lines.ToList();

    public bool Any(string fragment) => _lines.Any(line => line.Contains(fragment, StringComparison.Ordinal));

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(ConcurrentQueue<string> lines) =>
            Receive<LogEvent>(e => lines.Enqueue($"[{e.LogLevel()}] {e.LogSource}: {e.Message}{(e.Cause is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : "")}"));
    }
}
