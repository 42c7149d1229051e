using Akka.Actor;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy.Dht;
using ConnActors.Policy.Scoring;
using Google.Protobuf;

namespace ConnActors.Actors.Dht;

internal sealed partial class DhtActor
{
    private const int MaxWaitingLookups = 1024;

    private readonly Dictionary<int, LookupRun> _running = new();
    private readonly Queue<LookupRun> _waiting = new();
    private readonly Queue<LookupRun> _awaitingBurst = new();
    private readonly SlowQueryRule _slowQueries;
    private int _nextLookup;
    private long _lookupsDone, _hopsTotal, _queriesSent, _queriesFailed, _connectionsOpened;

    private void ReceiveLookups()
    {
        Receive<FindPeer>(m => StartLookup(LookupKind.FindPeer, m.Peer.ToBytes(), Sender, targetPeer: m.Peer));
        Receive<GetClosestPeers>(m =>
        {
            if (KeyError(m.Key) is { } error) Sender.Tell(new Status.Failure(new ArgumentException(error)));
            else StartLookup(LookupKind.Closest, m.Key, Sender);
        });
        Receive<FindProviders>(m =>
        {
            if (KeyError(m.Key) is { } error) Sender.Tell(new Status.Failure(new ArgumentException(error)));
            else if (m.Count < 1) Sender.Tell(new Status.Failure(new ArgumentException($"count must be at least 1, was {m.Count}")));
            else StartLookup(LookupKind.FindProviders, m.Key, Sender, providersWanted: m.Count);
        });
        Receive<Provide>(m =>
        {
            if (KeyError(m.Key) is { } error)
            {
                Sender.Tell(new Status.Failure(new ArgumentException(error)));
                return;
            }
            _provided[Convert.ToBase64String(m.Key)] = m.Key;
            _providers.Add(m.Key, new KadPeer(_host.PeerId, OwnAddresses()), Now);
            StartLookup(LookupKind.Provide, m.Key, Sender);
        });
        Receive<GetValue>(OnGetValue);
        Receive<PutValue>(m =>
        {
            if (KeyError(m.Key) is { } keyError)
            {
                Sender.Tell(new Status.Failure(new ArgumentException(keyError)));
                return;
            }
            if (_records.Put(m.Key, m.Value, Now) is { } refused)
            {
                Sender.Tell(new Status.Failure(new ArgumentException(refused)));
                return;
            }
            StartLookup(LookupKind.Put, m.Key, Sender, value: m.Value);
        });
        Receive<BurstStarted>(OnBurstStarted);
        Receive<QueryDone>(OnQueryDone);
        Receive<QuerySlow>(OnQuerySlow);
        Receive<LookupTimedOut>(m =>
        {
            if (!_running.TryGetValue(m.Id, out var run)) return;
            run.TimedOut = true;
            Finish(run);
        });
    }

    private string? KeyError(byte[] key) =>
        key.Length == 0 ? "the key is empty"
        : key.Length > _settings.Limits.MaxKeyLength ? $"the key has {key.Length} bytes, more than connactors.dht.max-key-length ({_settings.Limits.MaxKeyLength})"
        : null;

    private void OnGetValue(GetValue m)
    {
        if (KeyError(m.Key) is { } keyError)
        {
            Sender.Tell(new Status.Failure(new ArgumentException(keyError)));
            return;
        }
        if (PublicKeyRecords.PeerOf(m.Key) is not { } peer)
        {
            Sender.Tell(new Status.Failure(new ArgumentException("only /pk/<peer id> records are looked up: other namespaces are not accepted")));
            return;
        }
        // The spec: a local value ends the search when the quorum is one (all valid public-key records are equal).
        var local = _records.Get(m.Key, Now)?.Value ?? PublicKeyRecords.InlinedValue(peer);
        if (local is not null)
        {
            Sender.Tell(new ValueFound(m.Key, local, new LookupStats(0, 0, 0, 0, 0, TimeSpan.Zero, Converged: true, TimedOut: false)));
            return;
        }
        StartLookup(LookupKind.GetValue, m.Key, Sender);
    }

    private void StartLookup(LookupKind kind, byte[] key, IActorRef replyTo, int providersWanted = 0, byte[]? value = null, PeerId? targetPeer = null)
    {
        var lookup = new KadLookup(KadKey.FromKey(key), _host.PeerId, _settings.K, _settings.Alpha, _settings.MaxQueriesPerLookup, _settings.FollowUpAfter,
            _settings.PassHoldAmongClosest);
        var run = new LookupRun(++_nextLookup, kind, key, lookup, replyTo)
        {
            Request = RequestFor(kind, key),
            ProvidersWanted = providersWanted,
            Value = value,
            TargetPeer = targetPeer,
        };
        if (_running.Count >= _settings.MaxConcurrentLookups && _waiting.Count >= MaxWaitingLookups)
        {
            _tallies.Refused(kind);
            replyTo.Tell(new Status.Failure(new InvalidOperationException($"{MaxWaitingLookups} lookups are already waiting; try again later")));
            return;
        }
        _tallies.Started(kind);
        if (_running.Count < _settings.MaxConcurrentLookups) Begin(run);
        else _waiting.Enqueue(run);
    }

    private static Message RequestFor(LookupKind kind, byte[] key) => new()
    {
        Type = kind switch
        {
            LookupKind.FindProviders => Message.Types.MessageType.GetProviders,
            LookupKind.GetValue => Message.Types.MessageType.GetValue,
            _ => Message.Types.MessageType.FindNode,
        },
        Key = ByteString.CopyFrom(key),
    };

    private void Begin(LookupRun run)
    {
        _running[run.Id] = run;
        var target = run.Lookup.Target;
        run.Lookup.AddSeeds(_table.Closest(target, _settings.K));
        if (_table.Count < _settings.K) run.Lookup.AddSeeds(BootstrapPeers());
        if (run.Kind == LookupKind.FindProviders)
        {
            foreach (var provider in _providers.Get(run.Key, Now, run.ProvidersWanted)) run.Providers[provider.Id] = provider;
        }
        if (run.Kind == LookupKind.FindPeer && KnownAddresses(run.TargetPeer!) is { Count: > 0 } known)
        {
            run.FoundPeer = new KadPeer(run.TargetPeer!, known);
            run.Lookup.Stop();
        }
        Timers.StartSingleTimer(TimerKey(run.Id), new LookupTimedOut(run.Id), _settings.LookupTimeout);
        _awaitingBurst.Enqueue(run);
        _supervisor.Tell(StartBurst.Instance, Self);
    }

    private IEnumerable<KadPeer> BootstrapPeers() =>
        _settings.Bootstrap.GroupBy(a => a.PeerId!).Select(g => new KadPeer(g.Key, g.Select(a => a.WithoutPeerId()).ToList()));

    // A peer we are connected to, or have in the table, needs no lookup.
    private IReadOnlyList<Multiaddr> KnownAddresses(PeerId peer)
    {
        var listen = _host.ConnectionsTo(peer).Select(c => c.RemoteIdentify?.ListenAddresses).FirstOrDefault(a => a is { Count: > 0 });
        return listen ?? _table.Find(peer)?.Addresses ?? [];
    }

    private void OnBurstStarted(BurstStarted m)
    {
        if (!_awaitingBurst.TryDequeue(out var run) || !_running.ContainsKey(run.Id))
        {
            _supervisor.Tell(new EndBurst(m.BurstId), Self); // its lookup already ended
            return;
        }
        run.BurstId = m.BurstId;
        Advance(run);
    }

    private void Send(LookupRun run, KadPeer peer, Message request, bool expectResponse, bool delivery)
    {
        bool connected = _host.ConnectionsTo(peer.Id).Any(c => !c.IsClosed);
        bool claimed = !connected && run.Claimed.Add(peer.Id);
        if (claimed) ClaimForLookup(peer.Id);
        run.InFlight.Add(peer.Id);
        run.Queried.Add(peer.Id);
        _queriesSent++;
        var job = new QueryJob(run.Id, peer, request, expectResponse, run.BurstId, claimed, delivery,
            _supervisor, _manager, _host, _settings.Limits, _settings.RequestTimeout)
        {
            SentAtMs = run.Elapsed.ElapsedMilliseconds,
            PassesOwnTrimHold = !delivery && run.Lookup.PassesOwnTrimHold(peer.Id),
        };
        DhtQuery.RunAsync(job).PipeTo(Self);
        if (_settings.SlowQueries && !delivery)
        {
            long slowAfter = _slowQueries.SlowAfterMs((long)_settings.RequestTimeout.TotalMilliseconds);
            if (slowAfter < _settings.RequestTimeout.TotalMilliseconds)
                Timers.StartSingleTimer(SlowTimerKey(run.Id, peer.Id), new QuerySlow(run.Id, peer.Id), TimeSpan.FromMilliseconds(slowAfter));
        }
    }

    // A query past the slow time: its lookup moves on without it (its answer, if it comes, still counts).
    private void OnQuerySlow(QuerySlow m)
    {
        if (!_running.TryGetValue(m.LookupId, out var run) || run.Delivering || !run.InFlight.Contains(m.Peer)) return;
        if (run.Lookup.Slow(m.Peer)) Advance(run);
    }

    private void OnQueryDone(QueryDone done)
    {
        var job = done.Job;
        var peer = job.Peer.Id;
        if (TryShareSlot(done)) return;
        if (done.Opened) _connectionsOpened++;
        if (!job.Delivery)
        {
            Timers.Cancel(SlowTimerKey(job.LookupId, peer));
            if (done.Succeeded) _slowQueries.Answered(done.Timeline.TotalMs);
        }
        if (!done.Succeeded)
        {
            _queriesFailed++;
            if (done.Kind == QueryFailure.BadAnswer) Penalize(peer, done.Failure!, DhtBadInputKinds.BadAnswer);
            if (done.Kind is QueryFailure.Unreachable or QueryFailure.BadAnswer) Unresponsive(peer);
        }
        else if (job.ExpectResponse) SeenServer(peer, job.Peer.Addresses);
        if (!_running.TryGetValue(job.LookupId, out var run))
        {
            if (job.Claimed) UnclaimForLookup(peer); // its lookup ended while it was in flight
            return;
        }
        run.InFlight.Remove(peer);
        LeaveOnceAnswered(peer);
        if (done.Opened) run.ConnectionsOpened++;
        Context.System.EventStream.Publish(new DhtQueryFinished(run.Id, LookupTallies.Label(run.Kind), peer, job.SentAtMs, run.Elapsed.ElapsedMilliseconds,
            done.Opened, done.Failure, done.Timeline));
        if (!done.Succeeded && job.Claimed && run.Claimed.Remove(peer)) UnclaimForLookup(peer); // no connection: the slot goes back now
        if (job.Delivery)
        {
            run.PendingDeliveries--;
            if (done.Succeeded) run.Delivered++;
        }
        else if (run.Delivering) { } // a late answer of the lookup that already converged
        else if (done.Kind == QueryFailure.HeldAfterOwnTrim) run.Lookup.Held(peer);
        else if (!done.Succeeded) run.Lookup.Failed(peer);
        else OnAnswer(run, done);
        Advance(run);
    }

    private void OnAnswer(LookupRun run, QueryDone done)
    {
        var from = done.Job.Peer.Id;
        run.Lookup.Succeeded(from);
        run.Lookup.AddCloser(from, done.Closer);
        switch (run.Kind)
        {
            case LookupKind.FindPeer:
                var target = run.TargetPeer!;
                var match = from.Equals(target) ? new KadPeer(target, KnownAddresses(target)) : done.Closer.FirstOrDefault(p => p.Id.Equals(target));
                if (match is { Addresses.Count: > 0 })
                {
                    run.FoundPeer = match;
                    Useful(from);
                    run.Lookup.Stop();
                }
                break;
            case LookupKind.FindProviders:
                int found = 0;
                foreach (var provider in done.Providers)
                {
                    if (run.Providers.TryAdd(provider.Id, provider)) found++;
                }
                if (found > 0) Useful(from, found);
                if (run.Providers.Count >= run.ProvidersWanted) run.Lookup.Stop();
                break;
            case LookupKind.GetValue when done.Response?.Record is { } record && record.Key.Span.SequenceEqual(run.Key):
                if (PublicKeyRecords.Validate(run.Key, record.Value.Span) is { } invalid)
                {
                    Penalize(from, $"invalid record in GET_VALUE answer: {invalid}", DhtBadInputKinds.InvalidRecord);
                    break;
                }
                run.FoundValue = record.Value.ToByteArray();
                Useful(from);
                run.Lookup.Stop();
                break;
        }
    }

    private void Advance(LookupRun run)
    {
        if (run.BurstId is null) return;
        if (run.Delivering)
        {
            if (run.PendingDeliveries == 0) Finish(run);
            return;
        }
        foreach (var peer in run.Lookup.TakeNext()) Send(run, peer, run.Request, expectResponse: true, delivery: false);
        if (!run.Lookup.IsDone) return;
        if (run.Kind is LookupKind.Provide or LookupKind.Put && !run.TimedOut) Deliver(run);
        else Finish(run);
    }

    // After a provide or put lookup converged: the record goes to the k closest peers that answered.
    private void Deliver(LookupRun run)
    {
        run.Delivering = true;
        var closest = run.Lookup.ClosestAnswered(_settings.K);
        var message = new Message { Key = ByteString.CopyFrom(run.Key) };
        if (run.Kind == LookupKind.Provide)
        {
            message.Type = Message.Types.MessageType.AddProvider;
            message.ProviderPeers.Add(new KadPeer(_host.PeerId, OwnAddresses()).ToProto());
        }
        else
        {
            message.Type = Message.Types.MessageType.PutValue;
            message.Record = new Record { Key = message.Key, Value = ByteString.CopyFrom(run.Value!), TimeReceived = Rfc3339(DateTimeOffset.UtcNow) };
        }
        run.PendingDeliveries = closest.Count;
        foreach (var peer in closest) Send(run, peer, message, expectResponse: run.Kind == LookupKind.Put, delivery: true);
        if (closest.Count == 0) Finish(run);
    }

    private void Finish(LookupRun run)
    {
        if (!_running.Remove(run.Id)) return;
        Timers.Cancel(TimerKey(run.Id));
        foreach (var peer in run.InFlight) Timers.Cancel(SlowTimerKey(run.Id, peer));
        // Slots go back before the burst ends, so its peers are unclaimed when they become first to prune.
        foreach (var peer in run.Claimed.Where(p => !run.InFlight.Contains(p))) UnclaimForLookup(peer);
        if (run.BurstId is { } burst) _supervisor.Tell(new EndBurst(burst), Self);
        foreach (var peer in run.InFlight) LeaveOnceAnswered(peer);
        // The peers whose answers named the closest ones led to the result.
        foreach (var introducer in run.Lookup.ClosestAnswered(_settings.K).Select(p => run.Lookup.IntroducerOf(p.Id)).OfType<PeerId>().Distinct())
            Useful(introducer);
        var lookup = run.Lookup;
        var stats = new LookupStats(lookup.Hops, lookup.Queried, lookup.Answered, lookup.FailedCount, run.ConnectionsOpened,
            run.Elapsed.Elapsed, lookup.Converged, run.TimedOut);
        _lookupsDone++;
        _hopsTotal += lookup.Hops;
        var outcome = _tallies.Finished(run.Kind, GotWhatItWasFor(run), run.TimedOut);
        Context.System.EventStream.Publish(new DhtLookupFinished(LookupTallies.Label(run.Kind), outcome, stats, run.Id));
        Reply(run, stats);
        UpdateRoutingSlots();
        while (_running.Count < _settings.MaxConcurrentLookups && _waiting.TryDequeue(out var next)) Begin(next);
    }

    private static bool GotWhatItWasFor(LookupRun run) => run.Kind switch
    {
        LookupKind.FindPeer => run.FoundPeer is { Addresses.Count: > 0 },
        LookupKind.FindProviders => run.Providers.Count > 0,
        LookupKind.GetValue => run.FoundValue is not null,
        LookupKind.Provide or LookupKind.Put => run.Delivered > 0,
        _ => run.Lookup.Answered > 0,
    };

    private void Reply(LookupRun run, LookupStats stats)
    {
        object? answer = run.Kind switch
        {
            LookupKind.FindPeer => new PeerFound(run.TargetPeer!, run.FoundPeer?.Addresses ?? [], stats),
            LookupKind.Closest => new ClosestPeersFound(run.Key, run.Lookup.ClosestAnswered(_settings.K), stats),
            LookupKind.Provide => new Provided(run.Key, run.Delivered, stats),
            LookupKind.Put => new ValuePut(run.Key, run.Delivered, stats),
            LookupKind.FindProviders => new ProvidersFound(run.Key, run.Providers.Values.Take(run.ProvidersWanted).ToList(), stats),
            LookupKind.GetValue => new ValueFound(run.Key, run.FoundValue, stats),
            _ => null,
        };
        if (answer is not null && !run.ReplyTo.IsNobody()) run.ReplyTo.Tell(answer);
    }

    private void Useful(PeerId peer, int amount = 1) =>
        _supervisor.Tell(new ReportUseful(peer, UsefulnessSignal.SuccessfulQuery, amount), Self);

    // The bootstrap: a lookup of our own id (seeded from the configured peers while the table is small),
    // then, on each refresh, one random key per non-empty bucket so every distance stays known.
    private void Refresh()
    {
        if (_table.Count == 0 && _settings.Bootstrap.Count == 0) return;
        StartLookup(LookupKind.Refresh, _host.PeerId.ToBytes(), ActorRefs.Nobody);
        foreach (var bucket in _table.Buckets().Where(b => b.Members.Count > 0 && b.CommonPrefixLength <= RefreshKeys.MaxCommonPrefixLength))
            StartLookup(LookupKind.Refresh, RefreshKeys.InBucket(_table.Self, bucket.CommonPrefixLength, _random), ActorRefs.Nobody);
    }

    // Our listen addresses others can dial (not the unspecified 0.0.0.0 or ::).
    private IReadOnlyList<Multiaddr> OwnAddresses()
    {
        var addresses = _host.ListenAddresses.Where(a => a.ToTcpEndPoint() is not { } e
            || (!e.Address.Equals(System.Net.IPAddress.Any) && !e.Address.Equals(System.Net.IPAddress.IPv6Any))).ToList();
        return addresses.Count > 0 ? addresses : _host.ListenAddresses;
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string TimerKey(int lookup) => $"lookup-{lookup}";

    private static string SlowTimerKey(int lookup, PeerId peer) => $"slow-{lookup}-{peer}";

    private sealed record LookupTimedOut(int Id);

    private sealed record QuerySlow(int LookupId, PeerId Peer);
}
