using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ConnActors.Node.Live;
using Microsoft.Extensions.Options;

namespace ConnActors.Node.Http;

/// <summary>
/// Server-sent event streams: <c>GET /api/events</c> (the manager's admissions, refusals, trims, byes and closes as they
/// happen; <c>?types=a,b</c> keeps some) and <c>GET /api/status/stream</c> (the status every second).
/// </summary>
internal static class EventEndpoints
{
    public static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    public static void MapEventEndpoints(this IEndpointRouteBuilder api, ManagerClient manager, LiveFeed feed)
    {
        // Streams end with the request or when the server stops (else a stop would wait for every open dashboard and tail).
        api.MapGet("/events", (string? types, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IHostApplicationLifetime lifetime, CancellationToken request) =>
        {
            var wanted = types?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            if (wanted?.Except(LiveEvent.Types).ToList() is { Count: > 0 } unknown)
                return ApiError.BadRequest($"'types' has unknown event types {string.Join(", ", unknown)}; known: {string.Join(", ", LiveEvent.Types)}");
            return TypedResults.ServerSentEvents(Events(feed, wanted, json.Value.SerializerOptions, request, lifetime.ApplicationStopping));
        });
        api.MapGet("/status/stream", (IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IHostApplicationLifetime lifetime, CancellationToken request) =>
            TypedResults.ServerSentEvents(Statuses(manager, json.Value.SerializerOptions, request, lifetime.ApplicationStopping)));
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(LiveFeed feed, HashSet<string>? wanted, JsonSerializerOptions options,
        CancellationToken request, CancellationToken stopping, [EnumeratorCancellation] CancellationToken enumeration = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(request, stopping, enumeration);
        using var subscription = feed.Subscribe();
        yield return new SseItem<string>("{}", "ready"); // the subscription is in place: what happens from now on is sent
        await foreach (var live in subscription.ReadAllAsync(linked.Token))
        {
            if (wanted is null || wanted.Contains(live.Type) || live.Type == LiveEvent.Lost) yield return new SseItem<string>(live.ToJson(options), live.Type);
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> Statuses(ManagerClient manager, JsonSerializerOptions options,
        CancellationToken request, CancellationToken stopping, [EnumeratorCancellation] CancellationToken enumeration = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(request, stopping, enumeration);
        using var timer = new PeriodicTimer(StatusInterval);
        do
        {
            var (status, _) = await manager.StatusAsync(linked.Token);
            if (linked.IsCancellationRequested) yield break;
            yield return status is null
                ? new SseItem<string>(JsonSerializer.Serialize(new ApiError("the connection manager does not answer"), options), "error")
                : new SseItem<string>(JsonSerializer.Serialize(status, options), "status");
        }
        while (await NextTickAsync(timer, linked.Token));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancel)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
