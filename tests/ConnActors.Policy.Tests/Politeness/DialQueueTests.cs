using ConnActors.Policy.Politeness;

namespace ConnActors.Policy.Tests.Politeness;

public class DialQueueTests
{
    private static readonly AddressKey Tcp = new(0xA);

    private static DialQueue NewQueue(int maxInFlight = 100, double ratePerSecond = 1_000, int maxLength = 100, long agingIntervalMs = 1_000) =>
        new(new DialQueueSettings { MaxInFlight = maxInFlight, DialRatePerSecond = ratePerSecond, MaxLength = maxLength, AgingIntervalMs = agingIntervalMs });

    private static DialBackoffTable NewBackoff() =>
        new(new DialBackoffSettings { Backoff = BackoffSettings.GoLibp2pDial }, new DeterministicRandom(1));

    private static DialRequest Request(int peer, byte priority, int requester = 0) => new(new PeerKey(peer), Tcp, priority, requester);

    private static List<int> Drain(DialQueue queue, DialBackoffTable backoff, long nowMs)
    {
        var peers = new List<int>();
        while (queue.TryDequeue(nowMs, backoff, out var request)) peers.Add(request.Peer.Value);
        return peers;
    }

    [Fact]
    public void Higher_priority_goes_first_and_ties_are_first_come_first_served()
    {
        var queue = NewQueue();
        queue.Enqueue(Request(1, 10), 0);
        queue.Enqueue(Request(2, 50), 0);
        queue.Enqueue(Request(3, 10), 0);
        queue.Enqueue(Request(4, 200), 0);
        Assert.Equal([4, 2, 1, 3], Drain(queue, NewBackoff(), 0));
    }

    [Fact]
    public void Waiting_raises_priority_so_an_old_request_beats_a_newer_urgent_one()
    {
        var queue = NewQueue(agingIntervalMs: 1_000);
        queue.Enqueue(Request(1, 0), 0);
        queue.Enqueue(Request(2, 9), 10_000);   // effective 9 against 10 for the first
        queue.Enqueue(Request(3, 11), 10_000);  // effective 11: still ahead
        Assert.Equal([3, 1, 2], Drain(queue, NewBackoff(), 10_000));
    }

    [Fact]
    public void Dequeued_request_carries_its_fields_and_enqueue_time()
    {
        var queue = NewQueue();
        queue.Enqueue(new DialRequest(new PeerKey(7), new AddressKey(42), 3, Requester: 5), 1_234);
        Assert.True(queue.TryDequeue(2_000, NewBackoff(), out var request));
        Assert.Equal(new DialRequest(new PeerKey(7), new AddressKey(42), 3, 5) { EnqueuedMs = 1_234 }, request);
    }

    [Fact]
    public void A_peer_is_queued_once_with_the_higher_priority()
    {
        var queue = NewQueue();
        Assert.Equal(EnqueueResult.Queued, queue.Enqueue(Request(1, 10, requester: 1), 0));
        Assert.Equal(EnqueueResult.Queued, queue.Enqueue(Request(2, 20), 0));
        Assert.Equal(EnqueueResult.Merged, queue.Enqueue(Request(1, 30, requester: 2), 500));
        Assert.Equal(EnqueueResult.Merged, queue.Enqueue(Request(1, 5, requester: 3), 600));
        Assert.Equal(2, queue.Count);

        Assert.True(queue.TryDequeue(600, NewBackoff(), out var first));
        Assert.Equal(1, first.Peer.Value);
        Assert.Equal(30, first.Priority);
        Assert.Equal(2, first.Requester);
        Assert.Equal(0, first.EnqueuedMs);
    }

    [Fact]
    public void A_peer_being_dialed_is_not_queued_again_until_completed()
    {
        var queue = NewQueue();
        var backoff = NewBackoff();
        queue.Enqueue(Request(1, 10), 0);
        Assert.True(queue.TryDequeue(0, backoff, out _));
        Assert.True(queue.IsDialing(new PeerKey(1)));
        Assert.Equal(EnqueueResult.AlreadyDialing, queue.Enqueue(Request(1, 10), 1));
        Assert.True(queue.Complete(new PeerKey(1), success: false, 2));
        Assert.False(queue.Complete(new PeerKey(1), success: false, 3));
        Assert.Equal(EnqueueResult.Queued, queue.Enqueue(Request(1, 10), 4));
    }

    [Fact]
    public void A_full_queue_rejects_new_peers_but_still_merges()
    {
        var queue = NewQueue(maxLength: 2);
        queue.Enqueue(Request(1, 10), 0);
        queue.Enqueue(Request(2, 10), 0);
        Assert.Equal(EnqueueResult.QueueFull, queue.Enqueue(Request(3, 255), 0));
        Assert.Equal(EnqueueResult.Merged, queue.Enqueue(Request(2, 99), 0));
        Assert.Equal(2, queue.Count);
        Assert.False(queue.IsQueued(new PeerKey(3)));
    }

    [Fact]
    public void Concurrency_cap_holds_until_a_dial_completes()
    {
        var queue = NewQueue(maxInFlight: 2);
        var backoff = NewBackoff();
        for (int p = 1; p <= 4; p++) queue.Enqueue(Request(p, 10), 0);
        Assert.Equal([1, 2], Drain(queue, backoff, 0));
        Assert.Equal(2, queue.InFlight);
        Assert.Equal(long.MaxValue, queue.NextReadyMs(0));
        queue.Complete(new PeerKey(1), success: true, 10);
        Assert.Equal(10, queue.NextReadyMs(10));
        Assert.Equal([3], Drain(queue, backoff, 10));
    }

    [Fact]
    public void Rate_cap_spaces_dials_after_the_burst()
    {
        var queue = NewQueue(maxInFlight: 2, ratePerSecond: 4); // burst 2, then one every 250 ms
        var backoff = NewBackoff();
        for (int p = 1; p <= 5; p++) queue.Enqueue(Request(p, 10), 0);
        Assert.Equal([1, 2], Drain(queue, backoff, 0));
        queue.Complete(new PeerKey(1), true, 0);
        queue.Complete(new PeerKey(2), true, 0);
        Assert.Equal(250, queue.NextReadyMs(0));
        Assert.Empty(Drain(queue, backoff, 249));
        Assert.Equal([3], Drain(queue, backoff, 250));
    }

    [Fact]
    public void Requests_in_backoff_wait_without_blocking_others_and_keep_their_rank()
    {
        var queue = NewQueue();
        var backoff = NewBackoff();
        backoff.RecordFailure(new PeerKey(1), Tcp, 0);         // until 5 000
        backoff.RecordRemoteBye(new PeerKey(2), 8_000, 0);     // until 8 000
        queue.Enqueue(Request(1, 200), 0);
        queue.Enqueue(Request(2, 100), 0);
        queue.Enqueue(Request(3, 50), 0);
        queue.Enqueue(Request(4, 10), 0);

        Assert.Equal([3, 4], Drain(queue, backoff, 1_000));
        Assert.Equal(2, queue.ParkedCount);
        Assert.Equal(5_000, queue.NextReadyMs(1_000));
        Assert.Empty(Drain(queue, backoff, 4_999));
        queue.Enqueue(Request(5, 0), 4_999);
        Assert.Equal([1, 5], Drain(queue, backoff, 5_000)); // peer 1 keeps its rank on return
        Assert.Equal(8_000, queue.NextReadyMs(5_000));
        Assert.Equal([2], Drain(queue, backoff, 8_000));
        Assert.Equal(long.MaxValue, queue.NextReadyMs(8_000));
    }

    [Fact]
    public void A_backoff_extended_while_parked_is_respected()
    {
        var queue = NewQueue();
        var backoff = NewBackoff();
        backoff.RecordFailure(new PeerKey(1), 0); // until 5 000
        queue.Enqueue(Request(1, 10), 0);
        Assert.Empty(Drain(queue, backoff, 0));
        backoff.RecordRemoteBye(new PeerKey(1), 60_000, 1_000);
        Assert.Empty(Drain(queue, backoff, 5_000));
        Assert.Equal(61_000, queue.NextReadyMs(5_000));
        Assert.Equal([1], Drain(queue, backoff, 61_000));
    }

    [Fact]
    public void A_higher_priority_merge_rechecks_a_parked_request_with_its_new_address()
    {
        var queue = NewQueue();
        var backoff = NewBackoff();
        backoff.RecordFailure(new PeerKey(1), Tcp, 0);
        queue.Enqueue(Request(1, 10), 0);
        Assert.Empty(Drain(queue, backoff, 0));
        queue.Enqueue(new DialRequest(new PeerKey(1), new AddressKey(0xB), 20, 0), 100);
        Assert.True(queue.TryDequeue(100, backoff, out var request));
        Assert.Equal(new AddressKey(0xB), request.Address);
    }

    [Fact]
    public void Remove_withdraws_a_waiting_or_parked_request()
    {
        var queue = NewQueue();
        var backoff = NewBackoff();
        backoff.RecordFailure(new PeerKey(1), 0);
        queue.Enqueue(Request(1, 10), 0);
        queue.Enqueue(Request(2, 10), 0);
        queue.Enqueue(Request(3, 10), 0);
        Assert.True(queue.TryDequeue(0, backoff, out _)); // parks 1, hands out 2
        Assert.True(queue.Remove(new PeerKey(1)));
        Assert.True(queue.Remove(new PeerKey(3)));
        Assert.False(queue.Remove(new PeerKey(3)));
        Assert.Equal(0, queue.Count);
        Assert.Equal(long.MaxValue, queue.NextReadyMs(10_000));
        Assert.Empty(Drain(queue, backoff, 10_000));
    }

    [Fact]
    public void Failed_dials_feed_a_failure_rate()
    {
        var queue = NewQueue();
        var backoff = NewBackoff();
        for (int p = 0; p < 10; p++) queue.Enqueue(Request(p, 1), 0);
        Drain(queue, backoff, 0);
        for (int p = 0; p < 10; p++) queue.Complete(new PeerKey(p), success: p < 5, 0);
        Assert.Equal(5 * 1000.0 / 60_000, queue.FailedDialsPerSecond(0), 9);
    }

    [Fact]
    public void Dequeue_and_complete_do_not_allocate()
    {
        var queue = NewQueue(maxInFlight: 8, maxLength: 4_096);
        var backoff = NewBackoff();
        for (int p = 0; p < 4_000; p++)
        {
            queue.Enqueue(Request(p, (byte)(p % 256)), p);
            if (p % 3 == 0) backoff.RecordRemoteBye(new PeerKey(p), 60_000, 0); // exercises parking
        }
        Assert.Equal(100, Cycle(queue, backoff, 100, 10_000)); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        int dialed = Cycle(queue, backoff, 2_000, 20_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2_000, dialed);
        Assert.True(queue.ParkedCount > 0);
        Assert.Equal(0, allocated);

        static int Cycle(DialQueue queue, DialBackoffTable backoff, int dials, long nowMs)
        {
            for (int i = 0; i < dials; i++)
            {
                long t = nowMs + i; // one token per millisecond at 1 000 dials/s
                if (!queue.TryDequeue(t, backoff, out var request)) return i;
                queue.Complete(request.Peer, success: i % 2 == 0, t);
            }
            return dials;
        }
    }

    [Fact]
    public void Background_requests_have_room_only_while_the_queue_is_less_than_half_full()
    {
        var queue = NewQueue(maxLength: 6);
        for (int peer = 0; peer < 3; peer++)
        {
            Assert.True(queue.HasBackgroundRoom);
            queue.Enqueue(new DialRequest(new PeerKey(peer), Tcp, 32, Requester: 0), 0);
        }
        Assert.False(queue.HasBackgroundRoom);
        Assert.Equal(EnqueueResult.Queued, queue.Enqueue(new DialRequest(new PeerKey(9), Tcp, 224, Requester: 0), 0)); // the other half
    }
}
