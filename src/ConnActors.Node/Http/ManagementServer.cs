using System.Text.Json;
using Akka.Actor;
using ConnActors.Node.Http.Security;
using ConnActors.Node.Live;
using ConnActors.Node.Metrics;
using ConnActors.Policy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Prometheus;

namespace ConnActors.Node.Http;

/// <summary>
/// The HTTP management API (Kestrel, minimal APIs under <c>/api</c>, camelCase JSON), the Prometheus metrics at
/// <c>/metrics</c> and the dashboard at <c>/</c>, all behind the <see cref="RequestRules"/>; see docs/http-api.md.
/// </summary>
internal sealed class ManagementServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyList<IActorRef> _relays;

    private ManagementServer(WebApplication app, IReadOnlyList<IActorRef> relays, IReadOnlyList<string> addresses, ApiToken token)
    {
        _app = app;
        _relays = relays;
        Addresses = addresses;
        Token = token;
    }

    /// <summary>Where the API is served, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>The API token (its file is logged at start).</summary>
    public ApiToken Token { get; }

    /// <summary>Starts serving; a listen address that cannot be bound is a <see cref="PolicyConfigurationException"/> naming the key.</summary>
    public static async Task<ManagementServer> StartAsync(HttpSettings settings, ManagementContext node, CancellationToken cancel)
    {
        ApiToken token;
        try
        {
            token = ApiToken.LoadOrCreate(node.DataDirectory);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new PolicyConfigurationException("connactors.data-dir", $"the API token: {e.Message}");
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A start that fails (the address in use) is thrown to the caller, which names the key in one line; the host
        // would also log it with a stack trace first.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddSingleton<IHostLifetime, NodeHostLifetime>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        var client = new ManagerClient(node.Manager, settings.AskTimeout);
        var metrics = new NodeMetrics();
        var feed = new LiveFeed();
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<IMetricsSource>(new ManagerMetrics(client, metrics.Factory));
        var dhtMetrics = node.Dht is { } dht ? new DhtMetrics(dht, settings.AskTimeout, metrics.Factory) : null;
        if (dhtMetrics is not null) builder.Services.AddSingleton<IMetricsSource>(dhtMetrics);
        var fleet = node.Negotiator is null ? null : new FleetClient(node.System, node.Negotiator, settings.AskTimeout);
        if (fleet is not null) builder.Services.AddSingleton<IMetricsSource>(new ClusterMetrics(fleet, metrics.Factory));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Every change is a small JSON object: a body past the limit is refused as it streams in, chunked or not
            // (a Content-Length check alone let a chunked body through up to Kestrel's 30 MB default).
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes;
            // A client that trickles its headers holds a connection before any rule can look at it.
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            // The API shares the process's file descriptors with the libp2p host: a flood of HTTP connections must not
            // take the host's. Past the cap Kestrel closes a new connection at once.
            kestrel.Limits.MaxConcurrentConnections = settings.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = settings.MaxConnections;
            if (settings.Address is { } address) kestrel.Listen(address, settings.Port);
            else kestrel.ListenLocalhost(settings.Port);
        });

        var app = builder.Build();
        app.UseRequestGuard(new RequestRules(token, requireTokenForReads: !settings.IsLoopback, settings.AllowedHosts));
        app.UseDashboard();
        app.UseRouting(); // after the static files, so that the JSON fallback below does not shadow them
        metrics.CollectFrom(app.Services.GetServices<IMetricsSource>());
        var api = app.MapGroup("/api");
        api.MapStatusEndpoints(client);
        api.MapFriendEndpoints(client);
        api.MapPeerEndpoints(client);
        api.MapPeerViewEndpoints(client);
        api.MapRegulationEndpoints(client);
        api.MapSubsystemEndpoints(client);
        api.MapDhtEndpoints(client, node.Dht);
        api.MapEventEndpoints(client, feed);
        api.MapClusterEndpoints(fleet);
        api.MapFallback(() => ApiError.Status(StatusCodes.Status404NotFound, "no such endpoint; see docs/http-api.md"));
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapFallback(() => ApiError.Status(StatusCodes.Status404NotFound, "no such endpoint; see docs/http-api.md"));

        List<IActorRef> relays = [node.System.ActorOf(ManagerEventRelay.Props([feed, new ByeMetrics(metrics.Factory)]), "management-events")];
        if (dhtMetrics is not null) relays.Add(node.System.ActorOf(DhtLookupObserver.Props(dhtMetrics), "management-dht-lookups"));
        try
        {
            await app.StartAsync(cancel);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            foreach (var relay in relays) node.System.Stop(relay);
            await app.DisposeAsync();
            throw new PolicyConfigurationException(HttpSettings.ListenKey, $"cannot listen on {settings.Listen}: {e.Message}");
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        return new ManagementServer(app, relays, addresses, token);
    }

    public async ValueTask DisposeAsync()
    {
        // Open event streams end with the host's stopping token; the relays go last so nothing is fed to a stopped server.
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var relay in _relays) relay.Tell(PoisonPill.Instance);
    }
}
