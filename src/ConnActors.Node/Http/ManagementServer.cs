using System.Text.Json;
using Akka.Actor;
using Microsoft.AspNetCore.Hosting;
using ConnActors.Policy;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ConnActors.Node.Http;

/// <summary>The HTTP management API (Kestrel, minimal APIs under <c>/api</c>, camelCase JSON); see docs/http-api.md.</summary>
internal sealed class ManagementServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ManagementServer(WebApplication app, IReadOnlyList<string> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>Where the API is served, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>Starts serving; a listen address that cannot be bound is a <see cref="PolicyConfigurationException"/> naming the key.</summary>
    public static async Task<ManagementServer> StartAsync(HttpSettings settings, IActorRef manager, CancellationToken cancel)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, NodeHostLifetime>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (settings.Address is { } address) kestrel.Listen(address, settings.Port);
            else kestrel.ListenLocalhost(settings.Port);
        });

        var app = builder.Build();
        var client = new ManagerClient(manager, settings.AskTimeout);
        var api = app.MapGroup("/api");
        api.MapStatusEndpoints(client);
        api.MapFriendEndpoints(client);
        api.MapPeerEndpoints(client);
        api.MapRegulationEndpoints(client);
        api.MapSubsystemEndpoints(client);
        api.MapDhtEndpoints(client);
        app.MapFallback(() => ApiError.Status(StatusCodes.Status404NotFound, "no such endpoint; see docs/http-api.md"));

        try
        {
            await app.StartAsync(cancel);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync();
            throw new PolicyConfigurationException(HttpSettings.ListenKey, $"cannot listen on {settings.Listen}: {e.Message}");
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        return new ManagementServer(app, addresses);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
