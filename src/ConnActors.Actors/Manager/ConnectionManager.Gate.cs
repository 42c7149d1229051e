using Akka.Actor;
using ConnActors.Actors.Host;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Host;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    // The IPs of the friends' addresses, rebuilt when friends change rather than parsed on every inbound attempt.
    private readonly HashSet<Policy.Admission.RemoteAddress> _friendIps = new();

    private void ReceiveGateQuestions()
    {
        Receive<CheckInboundAddress>(m => Sender.Tell(OnCheckInboundAddress(m)));
        Receive<CheckInboundPeer>(m => Sender.Tell(OnCheckInboundPeer(m)));
        Receive<CheckOutboundPeer>(m => Sender.Tell(OnCheckOutboundPeer(m)));
        Receive<CheckInboundStream>(m => Sender.Tell(OnCheckInboundStream(m)));
    }

    private GateDecision OnCheckInboundAddress(CheckInboundAddress check)
    {
        var address = Addresses.ToRemoteAddress(check.Remote);
        var verdict = _policy.CheckInboundAddress(address, Now, privilegedAddress: _friendIps.Contains(address));
        if (!verdict.Admitted)
        {
            CountRefusal(verdict.Reason, check.Remote);
            return GateDecision.Refuse(verdict.Reason.ToString());
        }
        _pendingInbound[check.Remote.ToString()] = new PendingInbound(address, null);
        return GateDecision.Allow;
    }

    private GateDecision OnCheckInboundPeer(CheckInboundPeer check)
    {
        string remote = check.Remote.ToString();
        if (!_pendingInbound.TryGetValue(remote, out var pending) || pending.Key is not null)
            return GateDecision.Refuse("no admitted handshake from this address");
        var key = _keys.KeyFor(check.Peer);
        var verdict = _policy.CompleteInboundHandshake(key, pending.Address, Now);
        if (!verdict.Admitted)
        {
            _pendingInbound.Remove(remote);
            CountRefusal(verdict.Reason, check.Remote, check.Peer);
            if (verdict.Reason == Policy.Admission.RefusalReason.Backoff) PersistPenalty(key, check.Peer);
            return GateDecision.Refuse(verdict.Reason.ToString());
        }
        _pendingInbound[remote] = pending with { Key = key };
        return GateDecision.Allow;
    }

    // Dials through the queue were admitted before the socket opened; a dial made directly on the host
    // (not through the manager) is admitted here, after the fact, or refused.
    private GateDecision OnCheckOutboundPeer(CheckOutboundPeer check)
    {
        var key = _keys.KeyFor(check.Peer);
        if (_pendingDials.ContainsKey(key)) return GateDecision.Allow;
        var verdict = _policy.BeginOutbound(key, Addresses.ToRemoteAddress(check.Remote), Now);
        if (!verdict.Admitted)
        {
            CountRefusal(verdict.Reason, check.Remote, check.Peer);
            return GateDecision.Refuse(verdict.Reason.ToString());
        }
        _pendingDials[key] = _pendingDials.GetValueOrDefault(key) + 1;
        CountDirectDial(check.Remote, key);
        return GateDecision.Allow;
    }

    private GateDecision OnCheckInboundStream(CheckInboundStream check)
    {
        if (!_subsystemOfProtocol.TryGetValue(check.Protocol, out var subsystem)) return GateDecision.Allow;
        if (!_keys.TryGetKey(check.Peer, out var key)) return GateDecision.Refuse("unknown peer");
        var decision = _policy.RequestSlot(subsystem, key, Now);
        if (!decision.IsGranted)
        {
            CountRefusal($"Stream{decision.Outcome}", peer: check.Peer);
            return GateDecision.Refuse($"{check.Protocol}: {decision.Outcome}");
        }
        if (decision.HasVictim) Reclaim(decision.Victim);
        _supervisors[subsystem].Tell(new StreamClaimed(check.Peer));
        return GateDecision.Allow;
    }

    private void RebuildFriendIps()
    {
        _friendIps.Clear();
        foreach (var addresses in _friends.Values)
        {
            foreach (var address in addresses) _friendIps.Add(Addresses.ToRemoteAddress(address));
        }
    }
}
