using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Dht;

/// <summary>
/// One query of a lookup, run off the actor (its result comes back as a message): over an open
/// connection if there is one; otherwise a dht slot is asked of the subsystem's QuotaSupervisor (the
/// policy never grants one out of another subsystem's reservation), the peer is enlisted in the
/// lookup's burst, and the dial goes through the manager's dial queue, which admits it and refuses a
/// peer in a backoff or bye window at once. Never throws: every failure is a <see cref="QueryDone"/>.
/// </summary>
internal static class DhtQuery
{
    public static async Task<QueryDone> RunAsync(QueryJob job)
    {
        using var deadline = new CancellationTokenSource(job.Timeout);
        bool opened = false;
        var timeline = new QueryClock();
        try
        {
            var connection = job.Host.ConnectionsTo(job.Peer.Id).FirstOrDefault(c => !c.IsClosed);
            if (job.BurstId is { } burst) job.Supervisor.Tell(new EnlistInBurst(burst, job.Peer.Id));
            if (connection is null)
            {
                var slot = await job.Supervisor.Ask<SlotReply>(new RequestSlot(job.Peer.Id), job.Timeout, deadline.Token).ConfigureAwait(false);
                timeline.SlotDone();
                if (!slot.Granted)
                    return job.Failed($"no dht slot ({slot.Outcome})", slot.Outcome switch
                    {
                        SlotOutcome.DeniedAtMaximum => QueryFailure.AtDhtMaximum,
                        SlotOutcome.DeniedNoCapacity => QueryFailure.NoRoom,
                        _ => QueryFailure.Local,
                    },
                        timeline: timeline.Times);
                var dial = await job.Manager.Ask<DialOutcome>(new DialForQuery(job.Peer.Id, job.Peer.Addresses, job.PassesOwnTrimHold), job.Timeout, deadline.Token).ConfigureAwait(false);
                timeline.DialDone(dial.QueuedMs);
                if (dial.Connection is null)
                {
                    string reason = dial.Failure ?? "dial failed";
                    // Refused for room although the slot was granted: the room went to other connections between the two, so the
                    // query is refused as the slot would have been then (a running lookup may make room).
                    var kind = dial.HeldAfterOwnTrim ? QueryFailure.HeldAfterOwnTrim
                        : dial.RefusedForRoom ? QueryFailure.NoRoom
                        : IsLocalRefusal(reason) ? QueryFailure.Local : QueryFailure.Unreachable;
                    return job.Failed(reason, kind, timeline: timeline.Times);
                }
                connection = dial.Connection;
                opened = true;
            }
            if (!job.ExpectResponse)
            {
                await KadClient.SendAsync(job.Host, connection, job.Request, job.Limits, job.Timeout, deadline.Token).ConfigureAwait(false);
                return new QueryDone(job, null, [], [], null, opened) { Timeline = timeline.Times };
            }
            var response = await KadClient.RequestAsync(job.Host, connection, job.Request, job.Limits, job.Timeout, deadline.Token).ConfigureAwait(false);
            var closer = response.CloserPeers.Select(p => KadPeer.FromProto(p, job.Limits)).ToList();
            var providers = response.ProviderPeers.Select(p => KadPeer.FromProto(p, job.Limits)).ToList();
            return new QueryDone(job, response, closer, providers, null, opened) { Timeline = timeline.Times };
        }
        catch (KadProtocolException e)
        {
            return job.Failed($"bad answer: {e.Reason}", QueryFailure.BadAnswer, opened, timeline.Times);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException or TimeoutException)
        {
            return job.Failed($"no answer within {job.Timeout.TotalSeconds:0.#} s", QueryFailure.Unreachable, opened, timeline.Times);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return job.Failed(e.Message, QueryFailure.Unreachable, opened, timeline.Times);
        }
    }

    // Refusals of our own making (admission, backoff, a full queue) say nothing about the remote.
    private static bool IsLocalRefusal(string reason) =>
        reason.StartsWith("refused:", StringComparison.Ordinal) || reason.StartsWith("in backoff", StringComparison.Ordinal)
        || reason.StartsWith("dial queue full", StringComparison.Ordinal) || reason.StartsWith("no address", StringComparison.Ordinal);
}

/// <summary>Everything a query needs, immutable, handed to the task.</summary>
/// <remarks><paramref name="Claimed"/>: the peer was not connected when the query started, so it asks for a dht
/// slot that its lookup gives back; <paramref name="Delivery"/>: an ADD_PROVIDER or PUT_VALUE after convergence.</remarks>
internal sealed record QueryJob(
    int LookupId, KadPeer Peer, Message Request, bool ExpectResponse, int? BurstId, bool Claimed, bool Delivery,
    IActorRef Supervisor, IActorRef Manager, Libp2pHost Host, KadLimits Limits, TimeSpan Timeout)
{
    /// <summary>When it was sent, in ms since its lookup began.</summary>
    public long SentAtMs { get; init; }

    /// <summary>Its dial may pass this node's own-trim hold (<see cref="KadLookup.PassesOwnTrimHold"/>).</summary>
    public bool PassesOwnTrimHold { get; init; }

    /// <summary>
    /// It asks again for the dht slot another lookup gave up for it after a refusal of this kind (dht.share-lookup-slots;
    /// <see cref="ConnActors.Policy.Dht.LookupSlotSharing.MayAskToShare"/>); null: it was given none.
    /// </summary>
    public SlotOutcome? GivenSlotFor { get; init; }

    /// <summary>The peer whose claim it was given at the maximum, whose connection it asks for first if it then finds the node full.</summary>
    public PeerId? GivenAtMaximum { get; init; }

    public QueryDone Failed(string reason, QueryFailure kind, bool opened = false, QueryTimes? timeline = null) =>
        new(this, null, [], [], reason, opened, kind) { Timeline = timeline ?? QueryTimes.None };
}

/// <summary>Why a query failed: our own refusal (the own-trim hold apart), the remote unreachable or silent, or a bad answer.</summary>
internal enum QueryFailure
{
    None,
    Local,
    /// <summary>Refused a dht slot because the subsystem holds its maximum (a running lookup may share one: dht.share-lookup-slots).</summary>
    AtDhtMaximum,
    /// <summary>Refused a dht slot because the node is full (a running lookup may make room: dht.share-lookup-slots).</summary>
    NoRoom,
    HeldAfterOwnTrim,
    Unreachable,
    BadAnswer,
}

/// <summary>A query's result (as a message to the DhtActor).</summary>
internal sealed record QueryDone(
    QueryJob Job, Message? Response, IReadOnlyList<KadPeer> Closer, IReadOnlyList<KadPeer> Providers, string? Failure, bool Opened,
    QueryFailure Kind = QueryFailure.None)
{
    public bool Succeeded => Failure is null;

    public QueryTimes Timeline { get; init; } = QueryTimes.None;
}

/// <summary>Where one query's time went, by a stopwatch started with the query.</summary>
internal sealed class QueryClock
{
    private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();
    private long _slotMs, _queuedMs, _dialMs;

    public void SlotDone() => _slotMs = _watch.ElapsedMilliseconds;

    public void DialDone(long queuedMs)
    {
        _queuedMs = queuedMs;
        _dialMs = Math.Max(0, _watch.ElapsedMilliseconds - _slotMs - queuedMs);
    }

    public QueryTimes Times => new(_slotMs, _queuedMs, _dialMs, Math.Max(0, _watch.ElapsedMilliseconds - _slotMs - _queuedMs - _dialMs));
}
