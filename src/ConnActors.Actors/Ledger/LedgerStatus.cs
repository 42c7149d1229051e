using ConnActors.Actors.Manager;
using ConnActors.Policy;

namespace ConnActors.Actors.Ledger;

/// <summary>Builds the management view of a ledger (allocates; for status requests only).</summary>
internal static class LedgerStatus
{
    public static ManagerStatus Of(ConnectionLedger ledger, string selfPeerId, IReadOnlyList<string> listenAddresses, long nowMs)
    {
        var policy = ledger.Policy;
        var limits = policy.Settings.Limits;
        var subsystemNames = policy.Quotas.All().ToDictionary(q => q.Id.Value, q => q.Name);
        var peers = new List<PeerStatus>();
        var listed = new HashSet<PeerKey>();
        foreach (var view in policy.Peers(nowMs))
        {
            if (!ledger.Peers.TryGetPeer(view.Peer, out var peer)) continue;
            listed.Add(view.Peer);
            peers.Add(new PeerStatus(peer.ToString(), view.Inbound, view.Outbound, view.IsFriend, view.IsProtected, Math.Round(view.Score, 2),
                subsystemNames.Where(s => (view.SubsystemClaims & (1u << s.Key)) != 0).Select(s => s.Value).ToList(), view.IsClosing,
                Math.Round(policy.Penalties.PenaltyOf(view.Peer, nowMs), 2)));
        }
        peers.Sort((a, b) => b.Score.CompareTo(a.Score));
        return new ManagerStatus(
            selfPeerId,
            listenAddresses,
            new ConnectionCounts(policy.Connections, policy.Inbound, policy.Outbound, policy.PendingInbound, policy.PendingOutbound,
                ledger.HardCap, limits.HighWater, limits.LowWater, limits.OutboundReserve, limits.FriendReserve, ledger.RouterEntries(nowMs), ledger.RouterEntryBudgetInForce),
            peers,
            policy.Quotas.All().Select(q => new QuotaStatus(q.Name, q.Reserved, q.Maximum, q.Used)).ToList(),
            new Dictionary<string, long>(ledger.Counters.Refusals),
            new Dictionary<string, long>(ledger.Counters.Trims),
            policy.ActiveBursts,
            ledger.Dials.Queued + ledger.Dials.InFlight,
            ledger.Counters.FailedInboundHandshakes);
    }
}
