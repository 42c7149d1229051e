using ConnActors.Libp2p.Protocols;

namespace ConnActors.Libp2p.Host;

public sealed partial class Libp2pHost
{
    private const int MaxIdentifyMessage = 64 * 1024;

    /// <summary>
    /// Identify and identify-push streams a peer may have served at once on one connection: a peer sends one of each at a
    /// time; more are reset, so that streams that never send cannot pin handlers and receive windows.
    /// </summary>
    public const int MaxIdentifyStreamsPerConnection = 2;

    /// <summary>How long an identify push may take to arrive once its stream is open.</summary>
    public static readonly TimeSpan IdentifyPushTimeout = TimeSpan.FromSeconds(10);

    private void RegisterBuiltInProtocols()
    {
        SetStreamHandler(ProtocolIds.Ping, ctx => PingProtocol.RespondAsync(ctx.Stream, ctx.HostStopping), PingProtocol.MaxInboundStreamsPerConnection);
        SetStreamHandler(ProtocolIds.Identify, async ctx =>
            await LengthPrefixed.WriteAsync(ctx.Stream, LocalIdentify(ctx.Connection).ToProtobuf(), ctx.HostStopping).ConfigureAwait(false),
            MaxIdentifyStreamsPerConnection);
        SetStreamHandler(ProtocolIds.IdentifyPush, async ctx =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ctx.HostStopping);
            timeout.CancelAfter(IdentifyPushTimeout);
            var message = await LengthPrefixed.ReadAsync(ctx.Stream, MaxIdentifyMessage, timeout.Token).ConfigureAwait(false);
            if (message is not null) Record(ctx.Connection, IdentifyInfo.FromProtobuf(message));
        }, MaxIdentifyStreamsPerConnection);
    }

    /// <summary>What this host announces to <paramref name="connection"/>'s peer.</summary>
    public IdentifyInfo LocalIdentify(Libp2pConnection connection) => new()
    {
        ProtocolVersion = _options.ProtocolVersion,
        AgentVersion = _options.AgentVersion,
        PublicKey = _options.Identity.PublicKey,
        ListenAddresses = ListenAddresses,
        ObservedAddress = connection.RemoteAddress,
        Protocols = Protocols,
    };

    /// <summary>Asks the remote to identify itself (/ipfs/id/1.0.0).</summary>
    /// <exception cref="InvalidDataException">The answer is malformed or carries another peer's key.</exception>
    public async Task<IdentifyInfo> IdentifyAsync(Libp2pConnection connection, CancellationToken ct = default)
    {
        var stream = await NewStreamAsync(connection, [ProtocolIds.Identify], ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            IdentifyInfo? info = null;
            while (await LengthPrefixed.ReadAsync(stream, MaxIdentifyMessage, ct).ConfigureAwait(false) is { } message)
            {
                IdentifyInfo part;
                try { part = IdentifyInfo.FromProtobuf(message); }
                catch (FormatException e) { throw new InvalidDataException("malformed identify message: " + e.Message, e); }
                info = info is null ? part : info.Merge(part);
            }
            if (info is null) throw new InvalidDataException("remote closed identify without a message");
            return Record(connection, info);
        }
    }

    /// <summary>Tells the remote what changed here (/ipfs/id/push/1.0.0).</summary>
    public async Task PushIdentifyAsync(Libp2pConnection connection, CancellationToken ct = default)
    {
        var stream = await NewStreamAsync(connection, [ProtocolIds.IdentifyPush], ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
            await LengthPrefixed.WriteAsync(stream, LocalIdentify(connection).ToProtobuf(), ct).ConfigureAwait(false);
    }

    /// <summary>One /ipfs/ping/1.0.0 round trip on a fresh stream.</summary>
    public async Task<TimeSpan> PingAsync(Libp2pConnection connection, CancellationToken ct = default)
    {
        var stream = await NewStreamAsync(connection, [ProtocolIds.Ping], ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
            return await PingProtocol.PingOnceAsync(stream, ct).ConfigureAwait(false);
    }

    private IdentifyInfo Record(Libp2pConnection connection, IdentifyInfo info)
    {
        if (info.PublicKey is not null && !connection.RemotePeer.Matches(info.PublicKey))
            throw new InvalidDataException("identify carries a public key of another peer");
        var merged = connection.RecordIdentify(info);
        _options.Observer.Identified(connection, merged);
        return merged;
    }

    private void PushToAllConnections()
    {
        foreach (var connection in _connections.Values) _ = PushQuietlyAsync(connection);
    }

    private async Task PushQuietlyAsync(Libp2pConnection connection)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.StreamNegotiationTimeout * 2);
            await PushIdentifyAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The peer may not support push, or the connection is closing; identify is best effort.
        }
    }

    private async Task IdentifyQuietlyAsync(Libp2pConnection connection)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.StreamNegotiationTimeout * 2);
            await IdentifyAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException)
        {
            // Identify is best effort; the connection stays up without it.
        }
    }
}
