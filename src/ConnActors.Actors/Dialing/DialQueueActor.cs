using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Host;
using ConnActors.Actors.Time;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Politeness;

namespace ConnActors.Actors.Dialing;

/// <summary>
/// Carries out dials in the order the policy's <see cref="DialQueue"/> gives (priorities with aging,
/// global concurrency and rate caps), never inside a backoff window (after failures or a remote bye).
/// Each dial is admitted by the manager first, so it holds a slot before any socket is opened.
/// </summary>
internal sealed class DialQueueActor : ReceiveActor, IWithTimers
{
    private const string PumpTimer = "pump";

    private readonly Libp2pHost _host;
    private readonly IActorRef _manager;
    private readonly IClock _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly DialQueue _queue;
    private readonly DialBackoffTable _backoff;
    private readonly Dictionary<PeerKey, (PeerId Peer, IReadOnlyList<Multiaddr> Addresses)> _targets = new();
    private readonly HashSet<PeerKey> _awaitingAdmission = new();
    private readonly Dictionary<PeerKey, List<IActorRef>> _requesters = new();

    public DialQueueActor(Libp2pHost host, IActorRef manager, PolitenessSettings settings, IClock clock)
    {
        _host = host;
        _manager = manager;
        _clock = clock;
        _queue = new DialQueue(settings.DialQueue);
        _backoff = new DialBackoffTable(settings.DialBackoff, new DeterministicRandom((ulong)clock.NowMs));

        Receive<QueueDial>(OnQueue);
        Receive<HonourRemoteBye>(m => _backoff.RecordRemoteBye(m.Key, m.BackoffMs, _clock.NowMs));
        Receive<RestoreByeObligation>(m => _backoff.Restore(new ByeObligation(m.Key, m.NotBeforeMs), _clock.NowMs));
        Receive<DialAdmission>(OnAdmission);
        Receive<DialResult>(OnResult);
        Receive<Pump>(_ => PumpQueue());
        Receive<GetDialQueueStatus>(_ => Sender.Tell(new DialQueueStatus(_queue.Count, _queue.ParkedCount, _queue.InFlight, _backoff.ByeObligations(_clock.NowMs).Count)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Libp2pHost host, IActorRef manager, PolitenessSettings settings, IClock clock) =>
        Akka.Actor.Props.Create(() => new DialQueueActor(host, manager, settings, clock));

    private void OnQueue(QueueDial dial)
    {
        if (dial.Addresses.Count == 0)
        {
            Refuse(dial, "no address to dial");
            return;
        }
        long now = _clock.NowMs;
        var address = Addresses.ToAddressKey(dial.Addresses[0]);
        if (dial.NowOrNever && _backoff.EarliestDialMs(dial.Key, address, now) is var earliest && earliest > now)
        {
            Refuse(dial, $"in backoff for {earliest - now} ms");
            return;
        }
        _targets[dial.Key] = (dial.Peer, dial.Addresses);
        var result = _queue.Enqueue(new DialRequest(dial.Key, address, (byte)dial.Priority, 0), now);
        if (result == EnqueueResult.QueueFull)
        {
            _targets.Remove(dial.Key);
            Refuse(dial, "dial queue full");
            return;
        }
        if (dial.ReplyTo is { } requester)
        {
            if (!_requesters.TryGetValue(dial.Key, out var list)) _requesters[dial.Key] = list = new List<IActorRef>(1);
            list.Add(requester);
        }
        PumpQueue();
    }

    // A dial that never got as far as the queue: the manager never admitted it, so it holds nothing.
    private void Refuse(QueueDial dial, string reason)
    {
        _manager.Tell(new DialFinished(dial.Key, dial.Peer, null, reason, Admitted: false));
        dial.ReplyTo?.Tell(new DialOutcome(dial.Peer, null, reason));
    }

    private void PumpQueue()
    {
        long now = _clock.NowMs;
        while (_queue.TryDequeue(now, _backoff, out var request))
        {
            var (peer, addresses) = _targets[request.Peer];
            _awaitingAdmission.Add(request.Peer);
            _manager.Tell(new RequestDialAdmission(request.Peer, peer, addresses[0]));
        }
        long next = _queue.NextReadyMs(now);
        if (next != long.MaxValue) Timers.StartSingleTimer(PumpTimer, Pump.Instance, TimeSpan.FromMilliseconds(Math.Max(1, next - now)));
    }

    private void OnAdmission(DialAdmission admission)
    {
        if (!_awaitingAdmission.Remove(admission.Key) || !_targets.TryGetValue(admission.Key, out var target)) return;
        if (!admission.Admitted)
        {
            Finish(admission.Key, success: false);
            Report(new DialFinished(admission.Key, target.Peer, null, $"refused: {admission.Reason}", Admitted: false));
            return;
        }
        var key = admission.Key;
        _host.DialPeerAsync(target.Peer, target.Addresses).PipeTo(Self,
            success: connection => new DialResult(key, connection, null),
            failure: e => new DialResult(key, null, e is HandshakeFailedException h ? h.Reason : e.Message));
    }

    private void OnResult(DialResult result)
    {
        if (!_targets.TryGetValue(result.Key, out var target)) return;
        long now = _clock.NowMs;
        if (result.Connection is not null) _backoff.RecordSuccess(result.Key, now);
        else
        {
            long until = _backoff.RecordFailure(result.Key, now);
            _log.Debug("dial to {0} failed ({1}); no redial before {2} ms from now", target.Peer, result.Failure, until - now);
        }
        Finish(result.Key, result.Connection is not null);
        Report(new DialFinished(result.Key, target.Peer, result.Connection, result.Failure, Admitted: true));
    }

    private void Report(DialFinished finished)
    {
        _manager.Tell(finished);
        if (!_requesters.Remove(finished.Key, out var requesters)) return;
        var outcome = new DialOutcome(finished.Peer, finished.Connection, finished.Failure);
        foreach (var requester in requesters) requester.Tell(outcome);
    }

    private void Finish(PeerKey key, bool success)
    {
        _queue.Complete(key, success, _clock.NowMs);
        _targets.Remove(key);
        PumpQueue();
    }

    private sealed record DialResult(PeerKey Key, Libp2pConnection? Connection, string? Failure);

    private sealed record Pump
    {
        public static Pump Instance { get; } = new();
    }
}
