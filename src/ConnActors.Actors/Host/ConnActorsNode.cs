using Akka.Actor;
using ConnActors.Actors.Bye;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Actors.Host;

/// <summary>
/// A running ConnActors node inside an actor system: the connection manager and the libp2p host it
/// governs, wired together (gates, events, the bye protocol).
/// </summary>
public sealed class ConnActorsNode : IAsyncDisposable
{
    private ConnActorsNode(IActorRef manager, Libp2pHost host, IActorRef? negotiator, IActorRef? dht)
    {
        Manager = manager;
        Host = host;
        Negotiator = negotiator;
        Dht = dht;
    }

    /// <summary>The node's Negotiator when it is a member of a fleet (<c>connactors.cluster.enabled</c>), else null.</summary>
    public IActorRef? Negotiator { get; }

    /// <summary>The connection manager actor.</summary>
    public IActorRef Manager { get; }

    /// <summary>The libp2p host.</summary>
    public Libp2pHost Host { get; }

    /// <summary>The Kad-DHT service (null when <c>connactors.dht.enabled = off</c>).</summary>
    public IActorRef? Dht { get; }

    /// <summary>
    /// Starts the manager (named <paramref name="name"/>) and the host with <paramref name="identity"/>; when
    /// <c>connactors.cluster.enabled</c>, the fleet actors too, joining the cluster unless <paramref name="joinCluster"/> is false.
    /// </summary>
    public static async Task<ConnActorsNode> StartAsync(
        ActorSystem system, ConnActorsSettings settings, PrivateKey identity, IClock? clock = null, IActorRef? peerStore = null, string name = "connection-manager",
        bool joinCluster = true, CancellationToken cancel = default)
    {
        var manager = system.ActorOf(ConnectionManager.Props(settings, clock ?? SystemClock.Instance, peerStore), name);
        var options = new HostOptions
        {
            Identity = identity,
            ListenAddresses = settings.Libp2p.Listen,
            Gate = new ManagerGate(manager, TimeSpan.FromSeconds(5)),
            Observer = new HostEventForwarder(manager),
            DialTimeout = settings.Libp2p.DialTimeout,
            HandshakeTimeout = settings.Libp2p.HandshakeTimeout,
            IdleBeforeHandshakeTimeout = settings.Libp2p.IdleBeforeHandshakeTimeout,
            Yamux = new YamuxOptions { WriteTimeout = settings.Libp2p.WriteTimeout },
            UnacknowledgedDataTimeout = settings.Libp2p.UnacknowledgedDataTimeout,
            ResetOnClose = settings.Libp2p.ResetOnClose,
            ResetAcknowledgementWait = settings.Libp2p.ResetAcknowledgementWait,
            MaxPendingInboundHandshakes = settings.Policy.Limits.HostPendingHandshakeBackstop,
        };
        Libp2pHost host;
        try
        {
            host = await Libp2pHost.StartAsync(options).ConfigureAwait(false);
        }
        catch
        {
            await StopQuietlyAsync(manager).ConfigureAwait(false);
            throw;
        }
        ByeExchange.Register(host, (connection, bye) => manager.Tell(new RemoteByeReceived(connection.RemotePeer, connection.Id, bye)),
            (peer, reason) => manager.Tell(new MalformedByeReceived(peer, reason)));
        IActorRef? dht = null;
        try
        {
            await manager.Ask<CommandAck>(new AttachHost(host), settings.StartupTimeout, cancel).ConfigureAwait(false);
            if (settings.Dht is { Enabled: true, Subsystem: { } subsystem })
            {
                dht = system.ActorOf(DhtActor.Props(settings.Dht, subsystem, host, manager, clock ?? SystemClock.Instance), $"{name}-dht");
                await AwaitDhtServingAsync(dht, settings.StartupTimeout, cancel).ConfigureAwait(false);
            }
        }
        catch
        {
            await StopQuietlyAsync(dht).ConfigureAwait(false);
            await host.DisposeAsync().ConfigureAwait(false);
            await StopQuietlyAsync(manager).ConfigureAwait(false);
            throw;
        }
        // Last: joining the fleet is what others see, so it happens only once the node serves.
        var negotiator = settings.Cluster.Enabled ? Cluster.FleetMembership.Start(system, settings.Cluster, settings.RouterLingers.Ended, manager, clock ?? SystemClock.Instance, joinCluster) : null;
        return new ConnActorsNode(manager, host, negotiator, dht);
    }

    /// <summary>
    /// The DHT serves /ipfs/kad/1.0.0 only once the manager has told it its subsystem, and answers its status only
    /// from then on: a node is not started before its DHT serves. A DHT that stops instead fails the start at once.
    /// </summary>
    private static async Task AwaitDhtServingAsync(IActorRef dht, TimeSpan timeout, CancellationToken cancel)
    {
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var stopped = dht.WatchAsync(stopWatching.Token);
        var serving = dht.Ask<DhtStatus>(GetDhtStatus.Instance, timeout, cancel);
        try
        {
            if (await Task.WhenAny(serving, stopped).ConfigureAwait(false) == stopped && !serving.IsCompleted && !cancel.IsCancellationRequested)
                throw new InvalidOperationException("the DHT stopped while starting; its log says why");
            await serving.ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException($"the DHT did not start serving within connactors.startup-timeout ({timeout.TotalSeconds:0.#} s); its log says why", e);
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task StopQuietlyAsync(IActorRef? actor)
    {
        if (actor is null) return;
        try { await actor.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (TaskCanceledException) { }
    }

    /// <summary>Stops the host (its connections close) and the manager.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Dht is not null) await Dht.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await Host.DisposeAsync().ConfigureAwait(false);
        await Manager.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}
