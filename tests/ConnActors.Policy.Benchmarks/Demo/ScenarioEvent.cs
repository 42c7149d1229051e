using ConnActors.Policy.Admission;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Benchmarks.Demo;

/// <summary>What happens at one instant of the scripted scenario.</summary>
internal enum ScenarioAction : byte
{
    /// <summary>A remote dials us.</summary>
    InboundAttempt,

    /// <summary>We dial a remote.</summary>
    OutboundDial,

    /// <summary>The remote closes every connection it has with us (if it still has one).</summary>
    RemoteClose,

    /// <summary>A protocol tags a connected peer (go's TagPeer, e.g. the DHT's routing-table tag).</summary>
    Tag,

    /// <summary>A connected peer was useful (v2 records it; go's BasicConnMgr has no such input).</summary>
    Useful,

    /// <summary>A DHT query starts (v2: BeginBurst).</summary>
    BurstBegin,

    /// <summary>A DHT query dials a peer (v2: the peer enlists in the query's burst).</summary>
    BurstDial,

    /// <summary>A DHT query ends (v2: EndBurst).</summary>
    BurstEnd,

    /// <summary>Memory pressure: an emergency trim down to <see cref="ScenarioEvent.Value"/> connections.</summary>
    Emergency,
}

/// <summary>One scripted event; fields not used by an action are zero.</summary>
internal readonly record struct ScenarioEvent(
    long TimeMs, ScenarioAction Action, int Peer = 0, RemoteAddress Address = default, int Value = 0,
    UsefulnessSignal Signal = UsefulnessSignal.SuccessfulQuery)
{
    public ConnectionDirection Direction => Action == ScenarioAction.InboundAttempt ? ConnectionDirection.Inbound : ConnectionDirection.Outbound;
}

/// <summary>A named window of the scenario, reported as one table.</summary>
internal sealed record ScenarioPhase(string Title, long StartMs, long EndMs);
