using ConnActors.Policy.Admission;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Engine;

/// <summary>
/// What every connection manager policy (v2 and the basic baseline) answers, so that benchmarks, the
/// simulator and the node can swap them. Richer v2-only features (quotas, bursts, locks) live on
/// <see cref="ConnectionManagerPolicy"/>.
/// </summary>
public interface IConnectionPolicy
{
    /// <summary>A short name for reports ("v2", "basic").</summary>
    string Name { get; }

    /// <summary>Established connections.</summary>
    int Connections { get; }

    /// <summary>
    /// Admits (or refuses) an inbound connection from <paramref name="peer"/> at <paramref name="address"/>,
    /// address gate and peer gate at once; on admission the connection counts as established.
    /// </summary>
    AdmissionVerdict AdmitInbound(PeerKey peer, in RemoteAddress address, long nowMs);

    /// <summary>Admits (or refuses) an outbound dial; on admission the connection counts as established.</summary>
    AdmissionVerdict AdmitOutbound(PeerKey peer, in RemoteAddress address, long nowMs);

    /// <summary>A connection ended (closed by either side, or trimmed).</summary>
    void ConnectionClosed(PeerKey peer, ConnectionDirection direction, in RemoteAddress address, long nowMs);

    /// <summary>Marks a peer as a friend (never trimmed) or not.</summary>
    void SetFriend(PeerKey peer, bool isFriend, long nowMs);

    /// <summary>Sets a numeric tag on a peer (go-libp2p TagPeer).</summary>
    void SetTag(PeerKey peer, int tag, int value, long nowMs);

    /// <summary>Records a usefulness signal.</summary>
    void RecordSignal(PeerKey peer, UsefulnessSignal signal, double amount, long nowMs);

    /// <summary>What regulation, if any, is due now.</summary>
    RegulationTrigger CheckRegulation(long nowMs);

    /// <summary>Plans a round (empty when none is due); victims are marked as closing.</summary>
    void PlanTrim(long nowMs, TrimPlan plan);

    /// <summary>Plans an emergency round (memory pressure) down to <paramref name="target"/>.</summary>
    void PlanEmergencyTrim(long nowMs, int target, TrimPlan plan);

    /// <summary>Periodic upkeep, if the policy needs any (v2 needs none; basic decays tags each minute).</summary>
    void Tick(long nowMs);

    /// <summary>Operations spent on decisions so far (a CPU proxy for the simulator).</summary>
    long WorkUnits { get; }
}
