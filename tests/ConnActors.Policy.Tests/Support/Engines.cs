using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Support;

internal static class Engines
{
    /// <summary>A small engine (hard cap 40) with generous subnet limits so tests choose what they exercise.</summary>
    public static ConnectionManagerPolicy Small(int hardCap = 40, TrimSettings? trim = null, SubnetLimits? subnets = null, ConnActors.Policy.Peers.PeerRecordSettings? records = null)
    {
        var limits = ConnectionLimits.DerivedFrom(hardCap, subnets ?? new SubnetLimits { MaxPerIPv4 = 1_000, MaxPerIPv6Slash56 = 1_000, MaxPerIPv6Slash48 = 1_000, InboundBurst = 1_000, InboundRatePerSecond = 1_000 })
            with { MaxPendingHandshakes = hardCap };
        return new ConnectionManagerPolicy(new PolicySettings
        {
            Limits = limits,
            Trim = trim ?? new TrimSettings { GracePeriodMs = 0 },
            Peers = records ?? ConnActors.Policy.Peers.PeerRecordSettings.Default,
        });
    }

    /// <summary>Connects <paramref name="count"/> inbound peers with keys starting at <paramref name="first"/>.</summary>
    public static void ConnectInbound(this ConnectionManagerPolicy engine, int first, int count, long nowMs)
    {
        for (int i = first; i < first + count; i++)
        {
            var verdict = engine.AdmitInbound(new PeerKey(i), Addresses.V4(i), nowMs);
            Assert.True(verdict.Admitted, $"peer {i}: {verdict}");
        }
    }

    /// <summary>Carries out a plan: closes every connection of every victim.</summary>
    public static void CarryOut(this ConnectionManagerPolicy engine, TrimPlan plan, long nowMs)
    {
        foreach (var victim in plan.Victims)
        {
            var view = engine.View(victim.Peer, nowMs)!;
            for (int i = 0; i < view.Inbound; i++) engine.ConnectionClosed(victim.Peer, Admission.ConnectionDirection.Inbound, Addresses.V4(victim.Peer.Value), nowMs);
            for (int i = 0; i < view.Outbound; i++) engine.ConnectionClosed(victim.Peer, Admission.ConnectionDirection.Outbound, Addresses.V4(victim.Peer.Value), nowMs);
        }
    }
}
