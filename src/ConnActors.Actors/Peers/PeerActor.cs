using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Bye;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Politeness;

namespace ConnActors.Actors.Peers;

/// <summary>
/// One peer: its connections, streams by protocol, whether it speaks the bye protocol, and for a friend
/// the reconnect loop (jittered exponential, reset on success, never gives up). Carries out trims.
/// Asks to be stopped when the peer is gone and nothing about it needs to be held in memory.
/// </summary>
internal sealed class PeerActor : UntypedActor, IWithTimers
{
    private const string ReconnectTimer = "reconnect";
    private static readonly TimeSpan ByeTimeout = TimeSpan.FromSeconds(2);

    // One of these per connected peer, up to 100,000 per node: the actor is an UntypedActor (a
    // ReceiveActor builds its handler table per instance) and its logger and dictionaries are created
    // only when first needed.
    private readonly PeerId _peer;
    private readonly PeerKey _key;
    private readonly Libp2pHost _host;
    private readonly IActorRef _manager;
    private readonly BackoffSettings _reconnect;
    private readonly IClock _clock;
    private ILoggingAdapter? _log;
    private Dictionary<ConnectionId, Libp2pConnection>? _connections;
    private Dictionary<string, int>? _streams;
    private FriendReconnectSchedule? _friend;
    private IReadOnlyList<Multiaddr> _friendAddresses = [];
    private bool _speaksBye;
    private bool _closing;

    public PeerActor(PeerId peer, PeerKey key, Libp2pHost host, IActorRef manager, BackoffSettings reconnect, IClock clock)
    {
        _peer = peer;
        _key = key;
        _host = host;
        _manager = manager;
        _reconnect = reconnect;
        _clock = clock;
    }

    private ILoggingAdapter Log => _log ??= Context.GetLogger();

    private int ConnectionCount => _connections?.Count ?? 0;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case PeerConnectionAdded m: OnConnectionAdded(m.Connection); break;
            case PeerConnectionRemoved m: OnConnectionRemoved(m.ConnectionId, m.Reason); break;
            case PeerStreamOpened m:
                _streams ??= new Dictionary<string, int>(StringComparer.Ordinal);
                _streams[m.Protocol] = _streams.GetValueOrDefault(m.Protocol) + 1;
                break;
            case PeerStreamClosed m: OnStreamClosed(m.Protocol); break;
            case PeerIdentified m: _speaksBye = m.Info.Protocols.Contains(ByeCodec.ProtocolId); break;
            case TrimPeer m: Close(m.Bye, m.Reason, m.Ids); break;
            case CloseWithBye m:
                _friend = null; // a node that says bye to everyone is going away: no reconnects
                Timers.Cancel(ReconnectTimer);
                Close(m.Bye, m.Reason, null);
                break;
            case TrimCompleted: break;
            case BecomeFriend m: OnBecomeFriend(m.Addresses); break;
            case StopBeingFriend: OnStopBeingFriend(); break;
            case PeerDialFailed m: OnDialFailed(m.Reason); break;
            case ReconnectDue: OnReconnectDue(); break;
            case GetPeerActorState:
                Sender.Tell(new PeerActorState(ConnectionCount, new Dictionary<string, int>(_streams ?? []), _friend is not null, _speaksBye,
                    _friend?.ConsecutiveFailures ?? 0, _closing));
                break;
            default: Unhandled(message); break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PeerId peer, PeerKey key, Libp2pHost host, IActorRef manager, BackoffSettings reconnect, IClock clock) =>
        Akka.Actor.Props.Create(() => new PeerActor(peer, key, host, manager, reconnect, clock));

    private void OnConnectionAdded(Libp2pConnection connection)
    {
        _connections ??= new Dictionary<ConnectionId, Libp2pConnection>();
        _connections[connection.Id] = connection;
        _closing = false;
        if (_friend is not null)
        {
            _friend.RecordConnected();
            Timers.Cancel(ReconnectTimer);
        }
    }

    private void OnConnectionRemoved(ConnectionId id, string reason)
    {
        if (_connections is null || !_connections.Remove(id)) return;
        if (_connections.Count > 0) return;
        _streams?.Clear();
        if (_friend is not null)
        {
            long next = _friend.RecordDisconnected(_clock.NowMs);
            Log.Info("friend {0} disconnected ({1}); reconnecting in {2} ms", _peer, reason, next - _clock.NowMs);
            ScheduleReconnect(next);
            return;
        }
        _manager.Tell(new PeerIdle(_key));
    }

    private void OnStreamClosed(string? protocol)
    {
        if (protocol is null || _streams is null || !_streams.TryGetValue(protocol, out int count)) return;
        if (count <= 1) _streams.Remove(protocol); else _streams[protocol] = count - 1;
    }

    // Closes the connections named (every one when null); one that opened after the decision is not among them.
    private void Close(ByeMessage bye, string reason, IReadOnlyList<ConnectionId>? ids)
    {
        if (_connections is not { Count: > 0 }) return;
        var connections = ids is null
            ? _connections.Values.ToList()
            : ids.Select(id => _connections.GetValueOrDefault(id)).OfType<Libp2pConnection>().ToList();
        if (connections.Count == 0) return;
        _closing = true;
        Log.Info("closing {0} connection(s) to {1}: {2}", connections.Count, _peer, reason);
        CloseAsync(_host, connections, bye, reason, Context.System.EventStream, _peer.ToString())
            .PipeTo(Self, success: () => TrimCompleted.Instance, failure: e => TrimCompleted.Instance);
    }

    // The bye goes only to peers that speak it; a connection trimmed right after opening may not have
    // finished identify yet, so wait for it briefly rather than guess.
    private static async Task CloseAsync(Libp2pHost host, List<Libp2pConnection> connections, ByeMessage bye, string reason, Akka.Event.EventStream events, string peer)
    {
        var first = connections[0];
        if (first.RemoteIdentify is null) await Task.WhenAny(first.Identified, Task.Delay(ByeTimeout)).ConfigureAwait(false);
        if (first.RemoteIdentify?.Protocols.Contains(ByeCodec.ProtocolId) == true)
        {
            try
            {
                await ByeExchange.SendAsync(host, connections[0], bye, ByeTimeout).ConfigureAwait(false);
                events.Publish(new Manager.ByeSent(peer, bye.Reason.ToString(), bye.Alternatives.Count));
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or InvalidDataException or Libp2p.Multistream.MultistreamException)
            {
                // The remote may close first or not answer: the bye is a courtesy, the close happens anyway.
            }
        }
        foreach (var connection in connections) await host.CloseConnectionAsync(connection, reason).ConfigureAwait(false);
    }

    private void OnBecomeFriend(IReadOnlyList<Multiaddr> addresses)
    {
        _friendAddresses = addresses;
        if (_friend is null)
        {
            _friend = new FriendReconnectSchedule(_reconnect, new DeterministicRandom((ulong)_clock.NowMs ^ (ulong)_key.Value));
            if (ConnectionCount > 0) _friend.RecordConnected();
        }
        if (ConnectionCount == 0) ScheduleReconnect(_friend.NextAttemptMs(_clock.NowMs));
    }

    private void OnStopBeingFriend()
    {
        _friend = null;
        Timers.Cancel(ReconnectTimer);
        if (ConnectionCount == 0) _manager.Tell(new PeerIdle(_key));
    }

    private void OnDialFailed(string reason)
    {
        if (_friend is null)
        {
            if (ConnectionCount == 0) _manager.Tell(new PeerIdle(_key));
            return;
        }
        // A dial that was already under way when the friend connected by other means: nothing failed.
        if (ConnectionCount > 0) return;
        long next = _friend.RecordFailure(_clock.NowMs);
        Log.Info("reconnect to friend {0} failed ({1}); next attempt in {2} ms (failure {3})", _peer, reason, next - _clock.NowMs, _friend.ConsecutiveFailures);
        ScheduleReconnect(next);
    }

    private void OnReconnectDue()
    {
        if (_friend is null || ConnectionCount > 0) return;
        _manager.Tell(new DialPeer(_peer, _friendAddresses, DialPriority.Friend));
    }

    private void ScheduleReconnect(long atMs)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, atMs - _clock.NowMs));
        Timers.StartSingleTimer(ReconnectTimer, ReconnectDue.Instance, delay);
    }

    private sealed record ReconnectDue
    {
        public static ReconnectDue Instance { get; } = new();
    }

    private sealed record TrimCompleted
    {
        public static TrimCompleted Instance { get; } = new();
    }
}
