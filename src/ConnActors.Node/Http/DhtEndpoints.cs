using ConnActors.Actors.Dht;

namespace ConnActors.Node.Http;

/// <summary>
/// <c>POST /api/dht/find-peer</c>, <c>POST /api/dht/find-providers</c>, <c>POST /api/dht/provide</c> and
/// <c>GET /api/dht/routing-table</c> (docs/http-api.md). The DHT bounds each lookup by
/// <c>connactors.dht.lookup-timeout</c>; a request waits for it at most <see cref="LookupWait"/>.
/// </summary>
internal static class DhtEndpoints
{
    private static readonly TimeSpan LookupWait = TimeSpan.FromMinutes(2);

    public static void MapDhtEndpoints(this IEndpointRouteBuilder api, ManagerClient manager, Akka.Actor.IActorRef? dhtActor)
    {
        var dht = new ManagerClient(manager.Manager, LookupWait);

        api.MapPost("/dht/find-peer", async (HttpRequest request, CancellationToken cancel) =>
        {
            var (body, error) = await RequestBody.ReadAsync(request, cancel);
            if (body is null) return error!;
            var (text, textError) = body.RequiredString("peerId");
            if (text is null) return textError!;
            var (peer, peerError) = PeerInput.PeerId("peerId", text);
            if (peer is null) return peerError!;
            return await AskAsync<PeerFound>(new FindPeer(peer), found => new
            {
                peerId = found.Peer.ToString(), found = found.Found, addresses = found.Addresses.Select(a => a.ToString()), stats = Stats(found.Stats),
            }, cancel);
        });
        api.MapPost("/dht/find-providers", async (HttpRequest request, CancellationToken cancel) =>
        {
            var (body, error) = await RequestBody.ReadAsync(request, cancel);
            if (body is null) return error!;
            var (key, keyError) = Key(body);
            if (key is null) return keyError!;
            var (count, countError) = body.OptionalNumber("count", 20);
            if (countError is not null) return countError;
            if (count is < 1 or > 1000 || count != Math.Floor(count)) return ApiError.BadRequest($"'count' must be a whole number in [1, 1000], was {count}");
            return await AskAsync<ProvidersFound>(new FindProviders(key, (int)count), found => new
            {
                key = Convert.ToHexStringLower(found.Key),
                providers = found.Providers.Select(p => new { peerId = p.Id.ToString(), addresses = p.Addresses.Select(a => a.ToString()) }),
                stats = Stats(found.Stats),
            }, cancel);
        });
        api.MapPost("/dht/provide", async (HttpRequest request, CancellationToken cancel) =>
        {
            var (body, error) = await RequestBody.ReadAsync(request, cancel);
            if (body is null) return error!;
            var (key, keyError) = Key(body);
            if (key is null) return keyError!;
            return await AskAsync<Provided>(new Provide(key), provided => new
            {
                key = Convert.ToHexStringLower(provided.Key), peers = provided.Peers, stats = Stats(provided.Stats),
            }, cancel);
        });
        api.MapGet("/dht/routing-table", async (CancellationToken cancel) => await AskAsync<DhtStatus>(GetDhtStatus.Instance, status => new
        {
            mode = status.Mode,
            peerId = status.Self.ToString(),
            size = status.RoutingTableSize,
            buckets = status.Buckets.Select(b => new
            {
                commonPrefixLength = b.CommonPrefixLength,
                peers = b.Members.Select(m => new { peerId = m.Peer.Id.ToString(), addresses = m.Peer.Addresses.Select(a => a.ToString()) }),
                replacements = b.Replacements,
            }),
            routingSlots = status.RoutingHeld.Select(p => p.ToString()),
            lookupsRunning = status.LookupsRunning,
            lookupsWaiting = status.LookupsWaiting,
            providerRecords = status.ProviderRecords,
            providedKeys = status.ProvidedKeys,
            valueRecords = status.ValueRecords,
            counters = status.Counters,
        }, cancel));

        async Task<IResult> AskAsync<T>(object question, Func<T, object> render, CancellationToken cancel) where T : class
        {
            if (dhtActor is not { } target)
                return ApiError.Status(StatusCodes.Status404NotFound, "the DHT is not running (connactors.dht.enabled = off)");
            var (answer, error) = await dht.AskAsync<T>(question, cancel, target);
            return error ?? Results.Ok(render(answer!));
        }
    }

    private static (byte[]? Key, IResult? Error) Key(RequestBody body)
    {
        var (text, error) = body.RequiredString("key");
        return text is null ? (null, error) : DhtInput.Key("key", text);
    }

    private static object Stats(LookupStats s) => new
    {
        hops = s.Hops, queried = s.Queried, answered = s.Answered, failed = s.Failed, connectionsOpened = s.ConnectionsOpened,
        durationMs = Math.Round(s.Duration.TotalMilliseconds, 1), converged = s.Converged, timedOut = s.TimedOut,
    };
}
