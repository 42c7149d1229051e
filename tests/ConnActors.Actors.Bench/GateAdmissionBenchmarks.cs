using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Libp2p.Host;

namespace ConnActors.Actors.Bench;

/// <summary>
/// Admissions per second through the actor path, without sockets: the gate object the host calls
/// (<see cref="ManagerGate"/>) asks the connection manager of a running node before the handshake
/// (address) and after security (peer), then the host's observer reports the connection gone. That is
/// every message an inbound connection costs the manager up to the point where the socket work starts;
/// <see cref="Concurrency"/> admissions are in flight at once, as when many handshakes run in parallel.
/// </summary>
[MemoryDiagnoser]
public class GateAdmissionBenchmarks
{
    private const int AdmissionsPerInvoke = 1024;

    private ActorSystem _system = null!;
    private ConnActorsNode _node = null!;
    private ManagerGate _gate = null!;
    private HostEventForwarder _events = null!;
    private Multiaddr[] _remotes = [];
    private PeerId[] _peers = [];

    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("gate-bench", "akka.loglevel = WARNING\nakka.log-dead-letters = off");
        var settings = ConnActorsSettings.FromConfig(ConfigurationFactory.ParseString("""
            connactors {
              profile = server
              limits { hard-cap = 1000, max-pending-handshakes = 256 }
              libp2p.listen = ["/ip4/127.0.0.1/tcp/0"]
            }
            """));
        _node = ConnActorsNode.StartAsync(_system, settings, PrivateKey.Generate()).GetAwaiter().GetResult();
        _gate = new ManagerGate(_node.Manager, TimeSpan.FromSeconds(5));
        _events = new HostEventForwarder(_node.Manager);
        // Each task has its own remote port and its own peers, so no two admissions in flight collide.
        _remotes = Enumerable.Range(0, Concurrency).Select(t => Multiaddr.Parse($"/ip4/127.0.0.1/tcp/{20_000 + t}")).ToArray();
        _peers = Enumerable.Range(0, Concurrency * 16).Select(_ => PrivateKey.Generate().PeerId).ToArray();
    }

    private long _nextId;

    [GlobalCleanup]
    public void Cleanup()
    {
        _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    [Benchmark(OperationsPerInvoke = AdmissionsPerInvoke)]
    public Task AdmitAndDrop() =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(AdmitManyAsync));

    private async Task AdmitManyAsync(int task)
    {
        var remote = _remotes[task];
        for (int i = 0; i < AdmissionsPerInvoke / Concurrency + (task < AdmissionsPerInvoke % Concurrency ? 1 : 0); i++)
        {
            // Ids far above the host's own, so that no benchmark attempt is taken for a real one.
            var id = new ConnectionId((1L << 40) + Interlocked.Increment(ref _nextId));
            var address = await _gate.BeforeHandshakeAsync(id, remote, ConnectionDirection.Inbound);
            if (!address.Allowed) throw new InvalidOperationException($"address gate refused: {address.Reason}");
            var peer = await _gate.AfterSecurityAsync(id, _peers[task * 16 + i % 16], remote, ConnectionDirection.Inbound);
            if (!peer.Allowed) throw new InvalidOperationException($"peer gate refused: {peer.Reason}");
            _events.ConnectionFailed(id, remote, ConnectionDirection.Inbound, "benchmark: handshake dropped");
        }
    }
}
