using ConnActors.Policy.Politeness;
using CsCheck;

namespace ConnActors.Policy.Tests.Politeness;

/// <summary>
/// Random event sequences against the dial queue. The bound on waiting follows from the rank
/// <c>Priority * aging-interval - enqueued</c>: priorities are bytes, so a request X enqueued at least
/// <c>Delta = 255 * aging-interval</c> after a request R ranks at most as high as R, and R (the earlier
/// of the two) goes first. Hence, among dialable requests, R is overtaken only by requests queued
/// before <c>t_R + Delta</c>: R waits at most (queue length at t_R) + (arrivals in [t_R, t_R + Delta))
/// dequeues.
/// </summary>
public class DialQueuePropertyTests
{
    private readonly record struct Step(int Kind, int Peer, byte Priority, int Address, int ElapsedMs);

    private readonly record struct Caps(int MaxInFlight, double RatePerSecond, int MaxLength, long AgingIntervalMs);

    private static readonly Gen<Caps> CapsGen =
        Gen.Select(Gen.Int[1, 5], Gen.Double[0.5, 20], Gen.Int[3, 40], Gen.Long[1, 200])
            .Select((inFlight, rate, length, aging) => new Caps(inFlight, rate, length, aging));

    private static Gen<Step[]> Steps(int kinds, int maxElapsedMs) =>
        Gen.Select(Gen.Int[0, kinds - 1], Gen.Int[0, 30], Gen.Byte, Gen.Int[0, 2], Gen.Int[0, maxElapsedMs])
            .Select((kind, peer, priority, address, elapsed) => new Step(kind, peer, priority, address, elapsed))
            .Array[1, 300];

    private sealed class Queued
    {
        public long FirstEnqueuedMs;
        public AddressKey Address;
        public byte Priority;
        public int ArrivalIndex;
        public int QueueLengthAtArrival;
        public int DequeuesSinceArrival;
    }

    /// <summary>Drives a queue and checks every invariant on every step.</summary>
    private sealed class Simulation
    {
        private readonly Caps _caps;
        private readonly DialQueue _queue;
        private readonly DialBackoffTable _backoff;
        private readonly DialBackoffSettings _backoffSettings;
        private readonly Dictionary<int, Queued> _queued = new();
        private readonly List<int> _inFlight = new();
        private readonly List<long> _dequeueTimes = new();
        private readonly List<long> _arrivalTimes = new();
        private readonly Dictionary<int, long> _peerEnds = new(), _byeEnds = new();
        private readonly Dictionary<(int, AddressKey), long> _addressEnds = new();
        private readonly bool _checkWaitBound;
        private long _nextReadyMs = long.MinValue;

        // checkWaitBound: check the dequeue-count bound, which assumes no backoff ever parks a request.
        public Simulation(Caps caps, ulong seed, bool checkWaitBound)
        {
            _caps = caps;
            _checkWaitBound = checkWaitBound;
            _queue = new DialQueue(new DialQueueSettings
            {
                MaxInFlight = caps.MaxInFlight, DialRatePerSecond = caps.RatePerSecond,
                MaxLength = caps.MaxLength, AgingIntervalMs = caps.AgingIntervalMs,
            });
            _backoffSettings = new DialBackoffSettings { ForgetAfterMs = 10_000, RemoteByeCeilingMs = 120_000 };
            _backoff = new DialBackoffTable(_backoffSettings, new DeterministicRandom(seed));
        }

        public long Now { get; private set; }

        public int Served { get; private set; }

        public int Accepted { get; private set; }

        public long DeltaMs => 255 * _caps.AgingIntervalMs;

        public void Advance(long elapsedMs)
        {
            Now += elapsedMs;
            if (Now < _nextReadyMs) Assert.False(_queue.TryDequeue(Now, _backoff, out _), $"dequeued at {Now}, before NextReadyMs {_nextReadyMs}");
        }

        public void Enqueue(int peer, byte priority, int address)
        {
            var request = new DialRequest(new PeerKey(peer), new AddressKey((ulong)address), priority, Requester: 0);
            int lengthBefore = _queue.Count;
            var result = _queue.Enqueue(request, Now);
            switch (result)
            {
                case EnqueueResult.Queued:
                    Accepted++;
                    _queued[peer] = new Queued
                    {
                        FirstEnqueuedMs = Now, Address = request.Address, Priority = priority,
                        ArrivalIndex = _arrivalTimes.Count, QueueLengthAtArrival = lengthBefore,
                    };
                    _arrivalTimes.Add(Now);
                    break;
                case EnqueueResult.Merged:
                    var merged = _queued[peer];
                    if (priority > merged.Priority) (merged.Priority, merged.Address) = (priority, request.Address);
                    break;
                case EnqueueResult.AlreadyDialing:
                    Assert.Contains(peer, _inFlight);
                    break;
                case EnqueueResult.QueueFull:
                    Assert.Equal(_caps.MaxLength, _queue.Count);
                    break;
            }
            Assert.Equal(_queued.Count, _queue.Count);
        }

        public void CompleteOldest(bool success)
        {
            if (_inFlight.Count == 0) return;
            int peer = _inFlight[0];
            _inFlight.RemoveAt(0);
            Assert.True(_queue.Complete(new PeerKey(peer), success, Now));
        }

        public void FailAddress(int peer, int address)
        {
            var key = new AddressKey((ulong)address);
            _addressEnds[(peer, key)] = _backoff.RecordFailure(new PeerKey(peer), key, Now);
        }

        public void FailPeer(int peer) => _peerEnds[peer] = _backoff.RecordFailure(new PeerKey(peer), Now);

        public void Bye(int peer, long hintMs) => _byeEnds[peer] = _backoff.RecordRemoteBye(new PeerKey(peer), hintMs, Now).NotBeforeMs;

        public void Drain()
        {
            while (_queue.TryDequeue(Now, _backoff, out var request)) OnDequeued(request);
            _nextReadyMs = _queue.NextReadyMs(Now);
            Assert.True(_nextReadyMs >= Now);
            Assert.True(_queue.InFlight <= _caps.MaxInFlight);
            Assert.Equal(_inFlight.Count, _queue.InFlight);
        }

        /// <summary>Completes and drains until empty; returns when it ended.</summary>
        public long DrainToEmpty()
        {
            for (int round = 0; round < 100_000 && _queue.Count > 0; round++)
            {
                while (_inFlight.Count > 0) CompleteOldest(success: true);
                Drain();
                // long.MaxValue means "wait for a completion", which the next round supplies.
                if (_queue.Count > 0 && _nextReadyMs > Now && _nextReadyMs != long.MaxValue) Now = _nextReadyMs;
            }
            Assert.Equal(0, _queue.Count);
            Assert.Empty(_queued);
            return Now;
        }

        private void OnDequeued(DialRequest request)
        {
            int peer = request.Peer.Value;
            Assert.True(_queued.Remove(peer, out var served), $"{request.Peer} was not queued");
            Assert.Equal(served.FirstEnqueuedMs, request.EnqueuedMs);
            Assert.Equal(served.Address, request.Address);
            Assert.Equal(served.Priority, request.Priority);

            long promised = Math.Max(_peerEnds.GetValueOrDefault(peer),
                Math.Max(_byeEnds.GetValueOrDefault(peer), _addressEnds.GetValueOrDefault((peer, request.Address))));
            Assert.True(Now >= promised, $"{request.Peer} dialed at {Now} inside a window ending at {promised}");

            // Nothing dialable that arrived at least Delta earlier may be left behind.
            foreach (var (other, waiting) in _queued)
            {
                if (waiting.FirstEnqueuedMs + DeltaMs <= request.EnqueuedMs
                    && _backoff.EarliestDialMs(new PeerKey(other), waiting.Address, Now) <= Now)
                    Assert.Fail($"peer#{other} queued at {waiting.FirstEnqueuedMs} overtaken by {request.Peer} queued at {request.EnqueuedMs}");
                waiting.DequeuesSinceArrival++;
            }
            if (_checkWaitBound)
            {
                int arrivedInWindow = _arrivalTimes.Skip(served.ArrivalIndex + 1).Count(t => t < served.FirstEnqueuedMs + DeltaMs);
                Assert.True(served.DequeuesSinceArrival <= served.QueueLengthAtArrival + arrivedInWindow,
                    $"{request.Peer} waited {served.DequeuesSinceArrival} dequeues, bound {served.QueueLengthAtArrival} + {arrivedInWindow}");
            }

            // Rate: any n dials within a span of s ms fit in burst + rate * s.
            _dequeueTimes.Add(Now);
            for (int i = 0; i < _dequeueTimes.Count; i++)
            {
                int dials = _dequeueTimes.Count - i;
                double allowed = _caps.MaxInFlight + _caps.RatePerSecond * (Now - _dequeueTimes[i]) / 1000.0;
                Assert.True(dials <= allowed + 1e-6, $"{dials} dials in {Now - _dequeueTimes[i]} ms, allowed {allowed}");
            }

            _inFlight.Add(peer);
            _backoff.RecordSuccess(request.Peer, request.Address, Now);
            _peerEnds.Remove(peer);
            _addressEnds.Remove((peer, request.Address));
            Served++;
        }
    }

    [Fact]
    public void Caps_backoff_and_aging_hold_and_every_request_is_served_under_random_events()
    {
        Gen.Select(CapsGen, Steps(kinds: 8, maxElapsedMs: 3_000), Gen.ULong).Sample((caps, steps, seed) =>
        {
            var sim = new Simulation(caps, seed, checkWaitBound: false);
            foreach (var step in steps)
            {
                sim.Advance(step.ElapsedMs);
                switch (step.Kind)
                {
                    case <= 2: sim.Enqueue(step.Peer, step.Priority, step.Address); break;
                    case 3: sim.CompleteOldest(success: true); break;
                    case 4: sim.CompleteOldest(success: false); sim.FailAddress(step.Peer, step.Address); break;
                    case 5: sim.FailPeer(step.Peer); break;
                    case 6: sim.Bye(step.Peer, step.Priority * 1_000L); break;
                }
                sim.Drain();
            }
            long lastEventMs = sim.Now;
            long endMs = sim.DrainToEmpty();
            Assert.Equal(sim.Accepted, sim.Served);
            // After the last event every window ends within the longest of cap and bye ceiling (5 min);
            // then only the rate limits: one dial per 1/rate s.
            long bound = lastEventMs + 300_000 + (long)Math.Ceiling((sim.Accepted + 1) * 1000.0 / caps.RatePerSecond) + sim.Accepted;
            Assert.True(endMs <= bound, $"drained at {endMs}, bound {bound}");
        }, iter: 300);
    }

    [Fact]
    public void Without_backoff_a_request_waits_at_most_queue_length_plus_arrivals_within_the_aging_bound()
    {
        // Slow rate and few slots so that the queue grows and priorities compete.
        var slowCaps = Gen.Select(Gen.Int[1, 3], Gen.Double[0.2, 3], Gen.Int[5, 60], Gen.Long[1, 40])
            .Select((inFlight, rate, length, aging) => new Caps(inFlight, rate, length, aging));
        Gen.Select(slowCaps, Steps(kinds: 4, maxElapsedMs: 1_000), Gen.ULong).Sample((caps, steps, seed) =>
        {
            var sim = new Simulation(caps, seed, checkWaitBound: true);
            foreach (var step in steps)
            {
                sim.Advance(step.ElapsedMs);
                if (step.Kind <= 2) sim.Enqueue(step.Peer, step.Priority, step.Address);
                else sim.CompleteOldest(success: true);
                sim.Drain();
            }
            sim.DrainToEmpty();
            Assert.Equal(sim.Accepted, sim.Served);
        }, iter: 300);
    }
}
