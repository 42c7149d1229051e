using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Store;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Identity;
using ConnActors.Node.Http;

namespace ConnActors.Node;

/// <summary>
/// Runs the node on the generic host with Akka.Hosting: the ActorSystem (configured from the node's HOCON)
/// and its peer store, then <see cref="NodeService"/> (the manager, the libp2p host, the fleet and the
/// management API). Stopping runs Akka's CoordinatedShutdown: the API stops, every peer gets a bye and its
/// connections close, the node leaves its cluster, the system terminates.
/// </summary>
internal static class NodeRunner
{
    public static async Task RunAsync(Config config, ConnActorsSettings settings, HttpSettings http, CancellationToken stop)
    {
        Directory.CreateDirectory(settings.DataDirectory);
        var identity = KeyFile.LoadOrCreate(Path.Combine(settings.DataDirectory, "identity.key"));
        var tls = settings.Cluster is { Enabled: true, Tls.Enabled: true } ? settings.Cluster.Tls : null;
        using var certificate = tls is null ? null : ClusterTls.LoadCertificate(tls);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders(); // Akka logs to stdout; a failure reaches Program as one line, not a stack trace
        builder.Services.AddAkka(ClusterSettings.SystemName, akka =>
        {
            akka.AddHocon(config.WithFallback(ShutdownPhases), HoconAddMode.Prepend);
            if (certificate is not null) akka.AddSetup(ClusterTls.Setup(certificate, tls!));
            akka.WithActors((system, registry) =>
                registry.Register<PeerStoreActor>(system.ActorOf(PeerStoreActor.Props(SystemClock.Instance, PeerStoreSettings.FromConfig(config)), "peer-store")));
        });
        var startup = new NodeStartup(settings, http, identity);
        builder.Services.AddSingleton(startup);
        builder.Services.AddHostedService<NodeService>();
        using var host = builder.Build();
        await host.RunAsync(stop);
        if (startup.Failure is { } failure) throw failure;
        if (startup.ExitCode is { } code) Environment.ExitCode = code;
    }

    // The bye-and-close task gets longer than the default 5 s phase: it waits up to 5 s for peers to go.
    private static readonly Config ShutdownPhases = ConfigurationFactory.ParseString(
        "akka.coordinated-shutdown.phases.service-requests-done.timeout = 10s");
}

/// <summary>What <see cref="NodeService"/> starts the node with, and why it stopped on its own if it did.</summary>
internal sealed record NodeStartup(ConnActorsSettings Settings, HttpSettings Http, PrivateKey Identity)
{
    public Exception? Failure { get; set; }

    /// <summary>The exit code the way the node stopped calls for (left its cluster: 0, downed: 1), when it decided one.</summary>
    public int? ExitCode { get; set; }
}
