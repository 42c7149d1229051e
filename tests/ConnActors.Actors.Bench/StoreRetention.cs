using Akka.Actor;
using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Store;
using ConnActors.Actors.Time;

namespace ConnActors.Actors.Bench;

/// <summary>
/// The peer store's persisted penalties under churn: N distinct peers penalized (each a journal event on a
/// real SQLite file), then their retention passes; reports the store's retained memory and database size
/// before, after the writes and after the next snapshot prunes what expired.
/// </summary>
internal static class StoreRetention
{
    private const long RetentionMs = 60_000;

    public static async Task<int> RunAsync(int penalties, TextWriter output)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"connactors-store-retention-{Guid.NewGuid():N}");
        var clock = new ManualClock();
        var config = PersistenceConfig.Apply(ReferenceConfig.WithDefaults(ConfigurationFactory.ParseString(
            $"akka.loglevel = WARNING\nconnactors.data-dir = \"{dir}\"")));
        using var system = ActorSystem.Create("store-retention", config);
        var store = system.ActorOf(PeerStoreActor.Props(clock, PeerStoreSettings.Default), "peer-store");
        await store.Ask<PeerStoreState>(GetPeerStoreState.Instance, TimeSpan.FromMinutes(1));
        long baseline = Retained();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await WriteAsync(store, clock, 0, penalties);
        long written = Retained();
        double seconds = started.Elapsed.TotalSeconds;

        clock.Advance(RetentionMs + 1);
        await WriteAsync(store, clock, penalties, PeerStoreSettings.Default.SnapshotEvery); // reaches the next snapshot
        await Task.Delay(TimeSpan.FromSeconds(2)); // the snapshot write and event deletion finish
        long pruned = Retained(); // before any state query, which prunes on its own
        var state = await store.Ask<PeerStoreState>(GetPeerStoreState.Instance, TimeSpan.FromMinutes(1));

        output.WriteLine($"{penalties:N0} distinct peers penalized through the peer store (SQLite, snapshot every {PeerStoreSettings.Default.SnapshotEvery} events), retention {RetentionMs / 1000} s; {penalties / seconds:N0} writes/s");
        output.WriteLine();
        output.WriteLine("| moment | penalties held | retained memory | database |");
        output.WriteLine("|---|---:|---:|---:|");
        output.WriteLine($"| before | 0 | {Mb(baseline)} | |");
        output.WriteLine($"| after the writes (retention not over) | {penalties:N0} | {Mb(written)} | {Mb(DatabaseBytes(dir))} |");
        output.WriteLine($"| after retention and the next snapshot | {state.Penalties.Count:N0} | {Mb(pruned)} | {Mb(DatabaseBytes(dir))} |");
        await system.Terminate();
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    private static async Task WriteAsync(IActorRef store, ManualClock clock, int first, int count)
    {
        const int InFlight = 256;
        var pending = new List<Task>(InFlight);
        for (int i = first; i < first + count; i++)
        {
            long now = clock.NowMs;
            pending.Add(store.Ask<PeerStoreAck>(new RecordPenalty($"peer-{i:D8}", 10, now, now + RetentionMs), TimeSpan.FromMinutes(2)));
            if (pending.Count < InFlight) continue;
            await Task.WhenAll(pending);
            pending.Clear();
        }
        await Task.WhenAll(pending);
    }

    private static long DatabaseBytes(string dir) => Directory.EnumerateFiles(dir).Sum(f => new FileInfo(f).Length);

    private static long Retained() => GC.GetTotalMemory(forceFullCollection: true);

    private static string Mb(long bytes) => $"{bytes / 1048576.0:F2} MB";

    private sealed class ManualClock : IClock
    {
        private long _now = 1_700_000_000_000;

        public long NowMs => Interlocked.Read(ref _now);

        public void Advance(long ms) => Interlocked.Add(ref _now, ms);
    }
}
