using Akka.Actor;
using Akka.Event;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using Google.Protobuf;

namespace ConnActors.Actors.Dht;

internal sealed partial class DhtActor
{
    private void ReceiveServing()
    {
        Receive<ServeRequest>(m => Sender.Tell(Serve(m.Connection, m.Request)));
        Receive<InboundBadInput>(m => Penalize(m.Peer, m.Reason, Category(m.Reason)));
        // A stream that never brought a valid request (silent until it idled out, broken, refused) must not keep the slot
        // it claimed at the gate until the peer disconnects: peers holding silent streams would fill the dht maximum.
        Receive<InboundStreamEnded>(m => ReleaseIfUnused(m.Peer));
    }

    // The answers the spec asks of a server. The inbound stream claimed a dht slot at the gate; once
    // answered (and again when the stream ends), the slot goes back unless the peer is one the routing table or a lookup holds.
    private KadAnswer Serve(Libp2pConnection connection, Message request)
    {
        _requestsServed++;
        var from = connection.RemotePeer;
        if (connection.RemoteIdentify?.Protocols.Contains(KadProtocol.Id) == true) SeenServer(from, []);
        var answer = request.Type switch
        {
            Message.Types.MessageType.FindNode => Respond(request, from),
            Message.Types.MessageType.GetProviders => GetProviders(request, from),
            Message.Types.MessageType.AddProvider => AddProvider(connection, request),
            Message.Types.MessageType.GetValue => GetValue(request, from),
            Message.Types.MessageType.PutValue => PutValue(request, from),
            _ => new KadAnswer(new Message { Type = Message.Types.MessageType.Ping }),
        };
        ReleaseIfUnused(from);
        return answer;
    }

    // The k closest peers we know to the key (never the asker; ourselves only when asked for by id), as many as fit in a
    // message the asker will read (MaxMessageSize: a peer entry's addresses come from its own identify).
    private KadAnswer Respond(Message request, PeerId from, Action<Message, ResponseRoom>? complete = null)
    {
        var response = new Message { Type = request.Type, Key = request.Key, ClusterLevelRaw = request.ClusterLevelRaw };
        var room = new ResponseRoom(_settings.Limits.MaxMessageSize, response);
        complete?.Invoke(response, room);
        foreach (var peer in _table.Closest(KadKey.FromKey(request.Key.Span), _settings.K, exclude: from))
        {
            if (peer.Addresses.Count > 0) room.TryAdd(response.CloserPeers, peer.ToProto());
        }
        if (request.Type == Message.Types.MessageType.FindNode && request.Key.Span.SequenceEqual(_host.PeerId.Bytes))
            room.TryAdd(response.CloserPeers, new KadPeer(_host.PeerId, OwnAddresses()).ToProto(Message.Types.ConnectionType.Connected));
        return new KadAnswer(response);
    }

    // Providers first: they answer the request, closer peers only lead on.
    private KadAnswer GetProviders(Message request, PeerId from) => Respond(request, from, (response, room) =>
    {
        int entries = Math.Max(0, _settings.Limits.MaxPeersPerMessage - _settings.K - 1);
        foreach (var provider in _providers.Get(request.Key.Span, Now, entries)) room.TryAdd(response.ProviderPeers, provider.ToProto());
    });

    private KadAnswer GetValue(Message request, PeerId from) => Respond(request, from, (response, room) =>
    {
        var key = request.Key.Span;
        var value = _records.Get(key, Now)?.Value
            ?? (PublicKeyRecords.PeerOf(key) is { } peer ? PublicKeyRecords.InlinedValue(peer) ?? (peer.Equals(_host.PeerId) ? OwnPublicKey() : null) : null);
        if (value is not null)
            room.TrySet(response, new Record { Key = request.Key, Value = ByteString.CopyFrom(value), TimeReceived = Rfc3339(DateTimeOffset.UtcNow) });
    });

    // The spec: only providers that are the sender itself are recorded; a sender over its quota of keys is a flood.
    private KadAnswer AddProvider(Libp2pConnection connection, Message request)
    {
        var from = connection.RemotePeer;
        foreach (var entry in request.ProviderPeers)
        {
            KadPeer provider;
            try
            {
                provider = KadPeer.FromProto(entry, _settings.Limits);
            }
            catch (KadProtocolException e)
            {
                return KadAnswer.Refuse(e.Reason, badInput: true);
            }
            if (!provider.Id.Equals(from))
            {
                Count(_refused, DhtRefusalReasons.ProviderNotSender);
                continue;
            }
            if (provider.Addresses.Count == 0) provider = provider.WithAddresses(KnownAddresses(from));
            switch (_providers.Add(request.Key.Span, provider, Now))
            {
                case ProviderAddResult.ProviderFull:
                    return KadAnswer.Refuse($"provider flood: {from} already provides the most keys allowed ({_settings.Providers.MaxKeysPerProvider})", badInput: true);
                case ProviderAddResult.KeyFull:
                    Count(_refused, DhtRefusalReasons.ProviderKeyFull);
                    break;
                case ProviderAddResult.StoreFull:
                    Count(_refused, DhtRefusalReasons.ProviderStoreFull);
                    break;
            }
        }
        return KadAnswer.NoResponse;
    }

    // Validated before it is kept; a namespace we do not accept is refused with its reason (not bad input).
    private KadAnswer PutValue(Message request, PeerId from)
    {
        if (_records.Put(request.Record.Key.ToByteArray(), request.Record.Value.ToByteArray(), Now) is { } refused)
        {
            Count(_refused, DhtRefusalReasons.PutValueRefused);
            // Debug, not Info: any peer may send these as fast as it likes, and each is counted (counters.refused).
            _log.Debug("dht: refused PUT_VALUE from {0}: {1}", from, refused);
            return KadAnswer.Refuse(refused, badInput: false);
        }
        return new KadAnswer(request);
    }

    private byte[] OwnPublicKey() => _host.PeerId.TryGetPublicKey()?.ToProtobuf() ?? [];

    private static void Count(Dictionary<string, long> counters, string what) => counters[what] = counters.GetValueOrDefault(what) + 1;

    // Bad input is counted by kind, not by its full text (which names sizes and peers).
    private static string Category(string reason) =>
        reason.Contains("exceeds the limit", StringComparison.Ordinal) ? DhtBadInputKinds.OversizedMessage
        : reason.StartsWith("unknown message type", StringComparison.Ordinal) ? DhtBadInputKinds.UnknownMessageType
        : reason.StartsWith("malformed protobuf", StringComparison.Ordinal) ? DhtBadInputKinds.MalformedProtobuf
        : reason.StartsWith("provider flood", StringComparison.Ordinal) ? DhtBadInputKinds.ProviderFlood
        : reason.Contains("address", StringComparison.Ordinal) ? DhtBadInputKinds.MalformedPeerAddress
        : reason.Contains("peer entries", StringComparison.Ordinal) ? DhtBadInputKinds.TooManyPeers
        : reason.StartsWith(KadServer.UnreadResponse, StringComparison.Ordinal) ? DhtBadInputKinds.UnreadResponses
        : DhtBadInputKinds.ProtocolViolation;
}
