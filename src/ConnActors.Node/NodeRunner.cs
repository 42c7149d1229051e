using Akka.Event;
using Akka.Actor;
using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Store;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Identity;
using ConnActors.Node.Http;

namespace ConnActors.Node;

/// <summary>Starts the node, serves until asked to stop, then says bye to every peer and stops cleanly.</summary>
internal static class NodeRunner
{
    private static readonly TimeSpan ByeBudget = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(Config config, ConnActorsSettings settings, HttpSettings http, CancellationToken stop)
    {
        Directory.CreateDirectory(settings.DataDirectory);
        var identity = KeyFile.LoadOrCreate(Path.Combine(settings.DataDirectory, "identity.key"));
        var system = ActorSystem.Create("connactors", config);
        try
        {
            var peerStore = system.ActorOf(PeerStoreActor.Props(SystemClock.Instance, PeerStoreSettings.FromConfig(config)), "peer-store");
            var node = await ConnActorsNode.StartAsync(system, settings, identity, SystemClock.Instance, peerStore);
            foreach (var address in node.Host.ListenAddresses)
                system.Log.Info("listening on {0}/p2p/{1} (profile {2}, data in {3})", address, node.Host.PeerId, settings.Profile?.ToString() ?? "auto", Path.GetFullPath(settings.DataDirectory));
            // Not cancelled by a stop signal: a signal during start is seen by the wait below, which stops politely.
            var management = http.Enabled ? await ManagementServer.StartAsync(http, new ManagementContext(system, node.Manager, settings.DataDirectory), CancellationToken.None) : null;
            foreach (var address in management?.Addresses ?? [])
                system.Log.Info("http management API listening on {0}", address);
            if (management is not null) system.Log.Info("http management API token {0} {1} (mode 0600)", management.Token.Created ? "written to" : "read from", management.Token.Path);

            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
            }

            if (management is not null) await management.DisposeAsync();
            await SayByeAsync(node);
            await node.DisposeAsync();
        }
        finally
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        }
    }

    private static async Task SayByeAsync(ConnActorsNode node)
    {
        await node.Manager.Ask<CommandAck>(ShutdownPolitely.Instance, ByeBudget);
        var deadline = DateTime.UtcNow + ByeBudget;
        while (DateTime.UtcNow < deadline)
        {
            var status = await node.Manager.Ask<ManagerStatus>(GetManagerStatus.Instance, ByeBudget);
            if (status.Counts.Connections == 0) return;
            await Task.Delay(50);
        }
    }
}
