using Akka.Actor;
using ConnActors.Actors.Peers;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Policy;
using ConnActors.Policy.Politeness;

namespace ConnActors.Actors.Bench;

/// <summary>
/// Managed bytes retained per PeerActor with N of them alive: each spawned as the manager spawns them
/// (same props, same name shape), holding stream counts for two protocols, and each answering a state
/// query so that all are started and have processed their messages before the heap is measured.
/// </summary>
internal static class PeerActorMemory
{
    public static async Task<int> RunAsync(int count, TextWriter output)
    {
        using var system = ActorSystem.Create("memory", "akka.loglevel = WARNING\nakka.log-dead-letters = off");
        await using var host = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var peers = Enumerable.Range(0, count).Select(_ => PrivateKey.Generate().PeerId).ToArray();
        var reconnect = new BackoffSettings();
        await SpawnAsync(system, host, peers.Take(100).ToArray(), reconnect, first: 0, stop: true); // warm-up: JIT, dispatcher, mailbox pools

        long before = FullCollect();
        var actors = await SpawnAsync(system, host, peers, reconnect, first: 1_000_000, stop: false);
        long after = FullCollect();
        double perActor = (after - before) / (double)count;
        output.WriteLine($"PeerActors alive: {actors.Length:N0}; managed heap {before / 1048576.0:F1} MiB -> {after / 1048576.0:F1} MiB; " +
            $"{perActor:F0} B per PeerActor (target <= 4096 B) including its ActorRef held by the caller (as the manager's dictionary does)");
        GC.KeepAlive(actors);
        return perActor <= 4096 ? 0 : 1;
    }

    private static async Task<IActorRef[]> SpawnAsync(ActorSystem system, Libp2pHost host, PeerId[] peers, BackoffSettings reconnect, int first, bool stop)
    {
        var actors = new IActorRef[peers.Length];
        for (int i = 0; i < peers.Length; i++)
        {
            actors[i] = system.ActorOf(PeerActor.Props(peers[i], new PeerKey(first + i), host, system.DeadLetters, reconnect, SystemClock.Instance),
                $"peer-{peers[i]}-{first + i}");
            actors[i].Tell(new PeerStreamOpened("/ipfs/kad/1.0.0"));
            actors[i].Tell(new PeerStreamOpened("/meshsub/1.1.0"));
        }
        var states = await Task.WhenAll(actors.Select(a => a.Ask<PeerActorState>(GetPeerActorState.Instance, TimeSpan.FromSeconds(60))));
        if (states.Any(s => s.StreamsByProtocol.Count != 2)) throw new InvalidOperationException("a PeerActor did not record its streams");
        if (stop) await Task.WhenAll(actors.Select(a => a.GracefulStop(TimeSpan.FromSeconds(30))));
        return actors;
    }

    private static long FullCollect()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
