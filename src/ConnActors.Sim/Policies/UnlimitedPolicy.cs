using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;

namespace ConnActors.Sim.Policies;

/// <summary>The "none" policy: admits everything and never trims (a node without a connection manager).</summary>
internal sealed class UnlimitedPolicy : IConnectionPolicy
{
    private int _connections;
    private long _work;

    public string Name => "none";

    public int Connections => _connections;

    public long WorkUnits => _work;

    public AdmissionVerdict AdmitInbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        _work++;
        _connections++;
        return AdmissionVerdict.Admit;
    }

    public AdmissionVerdict AdmitOutbound(PeerKey peer, in RemoteAddress address, long nowMs) => AdmitInbound(peer, in address, nowMs);

    public void ConnectionClosed(PeerKey peer, ConnectionDirection direction, in RemoteAddress address, long nowMs)
    {
        if (_connections == 0) throw new InvalidOperationException($"{peer} has no connection");
        _connections--;
    }

    public void SetFriend(PeerKey peer, bool isFriend, long nowMs) { }

    public void SetTag(PeerKey peer, int tag, int value, long nowMs) { }

    public void RecordSignal(PeerKey peer, UsefulnessSignal signal, double amount, long nowMs) { }

    public RegulationTrigger CheckRegulation(long nowMs) => RegulationTrigger.None;

    public void PlanTrim(long nowMs, TrimPlan plan) => PlanEmergencyTrim(nowMs, _connections, plan);

    public void PlanEmergencyTrim(long nowMs, int target, TrimPlan plan)
    {
        // TrimPlan.Reset is internal to the policy library; an unlimited node leaves the plan as given,
        // and the simulator never asks it for one because CheckRegulation is always None.
    }

    public void Tick(long nowMs) { }
}
