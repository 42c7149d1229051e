using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Baselines;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Baseline;

/// <summary>A small basic manager (low 4, high 8, grace 1 s, silence 500 ms) and helpers to drive it.</summary>
internal sealed class BasicFixture
{
    public static readonly RemoteAddress Address = RemoteAddress.IPv4(0x0A000001);

    public BasicFixture(BasicSettings? settings = null) =>
        Manager = new BasicConnectionManager(settings ?? new BasicSettings
        {
            LowWater = 4, HighWater = 8, GracePeriodMs = 1_000, SilencePeriodMs = 500, DecayResolutionMs = 60_000,
        });

    private readonly Dictionary<int, List<ConnectionDirection>> _open = new();

    public BasicConnectionManager Manager { get; }

    public void Connect(int peer, long nowMs, ConnectionDirection direction = ConnectionDirection.Inbound)
    {
        if (!_open.TryGetValue(peer, out var directions)) _open[peer] = directions = new List<ConnectionDirection>();
        directions.Add(direction);
        if (direction == ConnectionDirection.Inbound) Manager.AdmitInbound(new PeerKey(peer), Address, nowMs);
        else Manager.AdmitOutbound(new PeerKey(peer), Address, nowMs);
    }

    public void ConnectRange(int first, int count, long nowMs)
    {
        for (int p = first; p < first + count; p++) Connect(p, nowMs);
    }

    /// <summary>Ticks at <paramref name="nowMs"/> and plans whatever round is due.</summary>
    public TrimPlan TickAndPlan(long nowMs)
    {
        Manager.Tick(nowMs);
        var plan = new TrimPlan();
        Manager.PlanTrim(nowMs, plan);
        return plan;
    }

    /// <summary>Closes every victim's connections, as the caller of a plan does.</summary>
    public void Close(TrimPlan plan, long nowMs)
    {
        foreach (var victim in plan.Victims) CloseAll(victim.Peer.Value, nowMs);
    }

    public void CloseAll(int peer, long nowMs)
    {
        foreach (var direction in _open[peer]) Manager.ConnectionClosed(new PeerKey(peer), direction, Address, nowMs);
        _open.Remove(peer);
    }

    public static int[] PeersOf(TrimPlan plan) => plan.Victims.Select(v => v.Peer.Value).ToArray();
}
