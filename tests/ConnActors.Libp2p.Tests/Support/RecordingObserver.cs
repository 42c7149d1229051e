using System.Collections.Concurrent;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Protocols;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>Records host events as text lines and lets tests wait for one.</summary>
public sealed class RecordingObserver : IHostObserver
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

    public IReadOnlyList<string> Events => _events.ToList();

    public void ConnectionOpened(Libp2pConnection c) => Add($"opened {c.Direction} {c.RemotePeer} id={c.Id}");

    public void ConnectionClosed(Libp2pConnection c, string reason) => Add($"closed {c.RemotePeer} id={c.Id}: {reason}");

    public void ConnectionFailed(ConnectionId id, Multiaddr remote, ConnectionDirection d, string reason) => Add($"failed {d} {remote} id={id}: {reason}");

    public void StreamOpened(Libp2pConnection c, YamuxStream s) => Add($"stream opened {s.Protocol}");

    public void StreamClosed(Libp2pConnection c, YamuxStream s) => Add($"stream closed {s.Protocol} read={s.BytesRead} written={s.BytesWritten}");

    public void StreamRefused(Libp2pConnection c, string? protocol, string reason) => Add($"stream refused {protocol}: {reason}");

    public void Identified(Libp2pConnection c, IdentifyInfo info) => Add($"identified {c.RemotePeer} {info.AgentVersion}");

    /// <summary>The first event (past or future) that contains <paramref name="fragment"/>.</summary>
    public Task<string> WaitForAsync(string fragment, TimeSpan? timeout = null)
    {
        Func<string, bool> match = e => e.Contains(fragment, StringComparison.Ordinal);
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            var past = _events.FirstOrDefault(match);
            if (past is not null) return Task.FromResult(past);
            _waiters.Add((match, done));
        }
        return done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(20));
    }

    private void Add(string e)
    {
        lock (_waiters)
        {
            _events.Enqueue(e);
            foreach (var w in _waiters.Where(w => w.Match(e)).ToList())
            {
                _waiters.Remove(w);
                w.Done.TrySetResult(e);
            }
        }
    }
}
