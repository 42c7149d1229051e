using ConnActors.Policy.Admission;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Benchmarks.Demo;

/// <summary>
/// The scripted desktop scenario, generated from one seed: steady traffic throughout (about 1.2 new
/// connections a second, sessions of two minutes on average, some peers tagged, some useful), five
/// friends dialed at the start, an inbound flood of 2,000 attempts from 200 /32s whose connections are
/// held for 90 s, three DHT queries of 20 dials each, and a memory-pressure emergency.
/// </summary>
internal sealed class Scenario
{
    public const int FriendCount = 5;
    public const int FloodAttempts = 2_000;
    public const int FloodSubnets = 200;

    private readonly DeterministicRandom _random;
    private readonly List<ScenarioEvent> _events = new();
    private int _nextPeer = FriendCount;

    private Scenario(ulong seed, int emergencyTarget)
    {
        _random = new DeterministicRandom(seed);
        EmergencyTarget = emergencyTarget;
        Phases =
        [
            new ScenarioPhase("steady traffic, 5 friends dialed", 0, 300_000),
            new ScenarioPhase($"inbound flood: {FloodAttempts:N0} attempts from {FloodSubnets} /32s in 20 s", 300_000, 360_000),
            new ScenarioPhase("DHT burst: 3 queries x 20 dials", 360_000, 420_000),
            new ScenarioPhase($"memory pressure: emergency trim to {emergencyTarget}", 420_000, 480_000),
        ];
    }

    public IReadOnlyList<ScenarioPhase> Phases { get; }

    public int EmergencyTarget { get; }

    public long EndMs => Phases[^1].EndMs;

    /// <summary>Friends are peers 0..FriendCount-1.</summary>
    public static bool IsFriend(int peer) => peer < FriendCount;

    /// <summary>The events in time order (ties keep generation order).</summary>
    public IReadOnlyList<ScenarioEvent> Events => _events;

    public static Scenario Generate(ulong seed, int emergencyTarget)
    {
        var scenario = new Scenario(seed, emergencyTarget);
        scenario.AddFriends();
        scenario.AddSteadyTraffic();
        scenario.AddFlood(startMs: 300_000);
        for (int q = 0; q < 3; q++) scenario.AddDhtQuery(q, startMs: 360_000 + q * 3_000);
        scenario._events.Add(new ScenarioEvent(420_000, ScenarioAction.Emergency, Value: emergencyTarget));
        var ordered = scenario._events.Select((e, i) => (e, i)).OrderBy(x => x.e.TimeMs).ThenBy(x => x.i).Select(x => x.e).ToList();
        scenario._events.Clear();
        scenario._events.AddRange(ordered);
        return scenario;
    }

    private void AddFriends()
    {
        for (int f = 0; f < FriendCount; f++) _events.Add(new ScenarioEvent(0, ScenarioAction.OutboundDial, f, PublicAddress()));
    }

    private void AddSteadyTraffic()
    {
        const double arrivalsPerSecond = 1.2;
        for (double t = Exponential(1_000 / arrivalsPerSecond); t < EndMs; t += Exponential(1_000 / arrivalsPerSecond))
        {
            long at = (long)t;
            int peer = _nextPeer++;
            var action = _random.NextDouble() < 0.6 ? ScenarioAction.InboundAttempt : ScenarioAction.OutboundDial;
            _events.Add(new ScenarioEvent(at, action, peer, PublicAddress()));
            long closeAt = at + 5_000 + (long)Exponential(120_000);
            _events.Add(new ScenarioEvent(closeAt, ScenarioAction.RemoteClose, peer));
            if (_random.NextDouble() < 0.3) _events.Add(new ScenarioEvent(at + 1_000, ScenarioAction.Tag, peer, Value: 5));
            if (_random.NextDouble() < 0.4)
            {
                for (long u = at + 2_000; u < closeAt; u += 20_000) _events.Add(new ScenarioEvent(u, ScenarioAction.Useful, peer, Value: 1));
            }
        }
    }

    private void AddFlood(long startMs)
    {
        var subnets = new RemoteAddress[FloodSubnets];
        for (int s = 0; s < subnets.Length; s++) subnets[s] = PublicAddress();
        for (int a = 0; a < FloodAttempts; a++)
        {
            long at = startMs + a * 20_000L / FloodAttempts;
            int peer = _nextPeer++;
            _events.Add(new ScenarioEvent(at, ScenarioAction.InboundAttempt, peer, subnets[_random.Next(FloodSubnets)]));
            _events.Add(new ScenarioEvent(at + 90_000, ScenarioAction.RemoteClose, peer));
        }
    }

    private void AddDhtQuery(int query, long startMs)
    {
        _events.Add(new ScenarioEvent(startMs, ScenarioAction.BurstBegin, Value: query));
        for (int d = 0; d < 20; d++)
        {
            int peer = _nextPeer++;
            _events.Add(new ScenarioEvent(startMs + d * 100, ScenarioAction.BurstDial, peer, PublicAddress(), Value: query));
            _events.Add(new ScenarioEvent(startMs + 600_000, ScenarioAction.RemoteClose, peer));
        }
        _events.Add(new ScenarioEvent(startMs + 4_000, ScenarioAction.BurstEnd, Value: query));
    }

    private double Exponential(double mean) => -Math.Log(1 - _random.NextDouble()) * mean;

    // A unicast IPv4 address outside 0/8, 10/8 and 127/8.
    private RemoteAddress PublicAddress() => RemoteAddress.IPv4((uint)(_random.Next(200) + 11) << 24 | (uint)_random.Next(1 << 24));
}
