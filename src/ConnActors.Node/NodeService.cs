using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Store;
using ConnActors.Actors.Time;
using ConnActors.Node.Http;
using ConnActors.Policy;

namespace ConnActors.Node;

/// <summary>
/// Starts the node once the ActorSystem is up (the manager and the libp2p host, the fleet when clustered,
/// the management API) and registers its stop with CoordinatedShutdown. If the connection manager stops
/// for good (it failed too often), the node stops with exit code 1.
/// </summary>
internal sealed class NodeService(ActorSystem system, IRequiredActor<PeerStoreActor> peerStore, NodeStartup startup, IHostApplicationLifetime lifetime) : IHostedService
{
    private static readonly TimeSpan ByeBudget = TimeSpan.FromSeconds(5);

    private ConnActorsNode? _node;
    private ManagementServer? _management;

    public async Task StartAsync(CancellationToken cancel)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        // Registered before anything starts, so that a stop arriving in the middle of start-up (Ctrl+C as the node
        // starts) cancels what is still starting and stops whatever has started by then.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "connactors-cancel-start", () =>
        {
            try { stopping.Cancel(); } catch (ObjectDisposedException) { } // started long ago
            return Task.FromResult(Akka.Done.Instance);
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "connactors-management-api", async () =>
        {
            await StopManagementAsync();
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "connactors-bye-and-close", async () =>
        {
            await StopNodeAsync(sayBye: true);
            return Akka.Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "connactors-exit-code", () =>
        {
            // Downed by the cluster (by its split-brain resolver or an operator): exit code 1, so that a supervisor restarts
            // the node and it joins again. A graceful leave stops it like a signal does, with 0 (Akka.Hosting would say -1 for both).
            switch (shutdown.ShutdownReason)
            {
                case CoordinatedShutdown.ClusterDowningReason:
                    system.Log.Warning("this node was downed by its cluster; stopping with exit code 1");
                    startup.ExitCode = 1;
                    break;
                case CoordinatedShutdown.ClusterLeavingReason:
                    system.Log.Info("this node left its cluster; stopping with exit code 0");
                    startup.ExitCode = 0;
                    break;
            }
            return Task.FromResult(Akka.Done.Instance);
        });
        try
        {
            await StartPartsAsync(stopping.Token);
        }
        catch (Exception e) when (shutdown.ShutdownReason is not null && e is not StartupFailedException)
        {
            system.Log.Info("stopped while starting ({0})", e.Message);
        }
        if (shutdown.ShutdownReason is null) return;
        // The stop may have run its phases before these parts existed: they are stopped here.
        await StopManagementAsync();
        await StopNodeAsync(sayBye: false);
    }

    private async Task StartPartsAsync(CancellationToken cancel)
    {
        var settings = startup.Settings;
        ConnActorsNode node;
        try
        {
            node = await ConnActorsNode.StartAsync(system, settings, startup.Identity, SystemClock.Instance, await peerStore.GetAsync(cancel), cancel: cancel);
        }
        catch (AskTimeoutException)
        {
            throw new StartupFailedException($"the connection manager did not serve within {settings.StartupTimeout.TotalSeconds:0} s (connactors.startup-timeout): is the peer store's database reachable? see the log above");
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or ArgumentException)
        {
            throw new StartupFailedException($"the libp2p host could not start on {string.Join(", ", settings.Libp2p.Listen)}: {e.Message}");
        }
        _node = node;
        foreach (var address in node.Host.ListenAddresses)
            system.Log.Info("listening on {0}/p2p/{1} (profile {2}, data in {3})", address, node.Host.PeerId, settings.Profile?.ToString() ?? "auto", Path.GetFullPath(settings.DataDirectory));
        if (node.Negotiator is not null)
            system.Log.Info("member of the fleet at {0} (roles {1}, site '{2}')", Akka.Cluster.Cluster.Get(system).SelfAddress, string.Join(", ", settings.Cluster.Roles), settings.Cluster.Site);
        var management = startup.Http.Enabled
            ? await ManagementServer.StartAsync(startup.Http, new ManagementContext(system, node.Manager, settings.DataDirectory, node.Negotiator, node.Dht), cancel)
            : null;
        _management = management;
        foreach (var address in management?.Addresses ?? [])
            system.Log.Info("http management API listening on {0}", address);
        if (management is not null)
            system.Log.Info("http management API token {0} {1} (mode 0600)", management.Token.Created ? "written to" : "read from", management.Token.Path);
        system.ActorOf(Props.Create(() => new ManagerWatch(node.Manager, this)), "manager-watch");
    }

    // Each part is stopped once, by whichever comes first: its shutdown phase or the end of an interrupted start.
    private async Task StopManagementAsync()
    {
        if (Interlocked.Exchange(ref _management, null) is { } management) await management.DisposeAsync();
    }

    private async Task StopNodeAsync(bool sayBye)
    {
        if (Interlocked.Exchange(ref _node, null) is not { } node) return;
        if (sayBye) await SayByeAsync(node);
        await node.Host.DisposeAsync();
    }

    public Task StopAsync(CancellationToken cancel) => Task.CompletedTask;

    private void ManagerStopped()
    {
        // Stopping the node stops the manager too: only a manager that stopped on its own is a failure.
        if (CoordinatedShutdown.Get(system).ShutdownReason is not null) return;
        startup.Failure = new StartupFailedException("the connection manager stopped after failing repeatedly; see the log above");
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    private static async Task SayByeAsync(ConnActorsNode node)
    {
        try
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
        catch (AskTimeoutException)
        {
            // The manager is gone or stuck: the host closes every connection anyway.
        }
    }

    private sealed class ManagerWatch : ReceiveActor
    {
        public ManagerWatch(IActorRef manager, NodeService service)
        {
            Context.Watch(manager);
            Receive<Terminated>(_ => service.ManagerStopped());
        }
    }
}

/// <summary>The node could not start (or run) for a reason the operator can act on; its message says what and why.</summary>
internal sealed class StartupFailedException(string message) : Exception(message);
