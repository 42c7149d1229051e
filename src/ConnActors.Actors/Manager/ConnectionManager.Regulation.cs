using Akka.Event;
using Akka.Actor;
using ConnActors.Actors.Bye;
using ConnActors.Actors.Peers;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    private void Regulate(bool checkMemory)
    {
        long now = Now;
        if (checkMemory && _policy.IsUnderMemoryPressure(Environment.WorkingSet))
        {
            EmergencyTrim(now);
            return;
        }
        if (_policy.CheckRegulation(now) == RegulationTrigger.None)
        {
            LogRefusalsIfChanged();
            return;
        }
        _policy.PlanTrim(now, _plan);
        CarryOut(_plan, ByeReason.Trimmed);
    }

    private void EmergencyTrim(long now)
    {
        _policy.PlanEmergencyTrim(now, _plan);
        _log.Warning("memory pressure: working set {0} MB over {1} MB; emergency trim to {2} connections",
            Environment.WorkingSet >> 20, _settings.Policy.Trim.MemoryLimitBytes >> 20, _plan.Target);
        CarryOut(_plan, ByeReason.MemoryPressure);
    }

    private void CarryOut(TrimPlan plan, ByeReason byeReason)
    {
        if (plan.Victims.Count == 0) return;
        var alternatives = Alternatives(plan);
        foreach (var victim in plan.Victims)
        {
            _trims[victim.Reason.ToString()] = _trims.GetValueOrDefault(victim.Reason.ToString()) + 1;
            if (!_keys.TryGetPeer(victim.Peer, out var peer) || peer is null) continue;
            Context.System.EventStream.Publish(new PeerTrimmed(peer.ToString(), victim.Reason.ToString()));
            var bye = new ByeMessage(byeReason, _settings.Bye.Backoff, alternatives, victim.Reason.ToString());
            if (_settings.Bye.Enabled) _policy.RecordByeSent(victim.Peer, Now + (long)_settings.Bye.Backoff.TotalMilliseconds, Now);
            Trim(victim.Peer, new TrimPeer(victim.Reason, _settings.Bye.Enabled ? bye : bye with { Alternatives = [] }));
        }
        _log.Info("regulation ({0}): {1} -> {2} connections, closing {3} peer(s) [{4}]{5}",
            plan.Trigger, plan.CountBefore, plan.CountBefore - plan.ConnectionsClosed, plan.Victims.Count,
            string.Join(", ", plan.Victims.GroupBy(v => v.Reason).Select(g => $"{g.Key}: {g.Count()}")),
            plan.FollowUpAtMs is { } at ? $", follow-up in {at - Now} ms" : "");
    }

    // A victim's connection may have passed the peer gate (counted by the policy) without being open
    // yet; the trim is kept until the peer has no connection left, so a connection that opens later is
    // closed too.
    private void Trim(PeerKey key, TrimPeer trim)
    {
        _pendingTrims[key] = trim;
        if (_peerActors.TryGetValue(key, out var actor)) actor.Tell(trim);
    }

    private void ForgetTrimIfGone(PeerKey key)
    {
        if (_policy.View(key, Now) is not { } view || view.Inbound + view.Outbound == 0) _pendingTrims.Remove(key);
    }

    private void Reclaim(PeerKey victim)
    {
        _trims[nameof(TrimReason.QuotaReclaim)] = _trims.GetValueOrDefault(nameof(TrimReason.QuotaReclaim)) + 1;
        if (!_keys.TryGetPeer(victim, out var peer) || peer is null) return;
        Context.System.EventStream.Publish(new PeerTrimmed(peer.ToString(), nameof(TrimReason.QuotaReclaim)));
        var bye = new ByeMessage(ByeReason.QuotaReclaim, _settings.Bye.Backoff, [], "quota reclaim");
        Trim(victim, new TrimPeer(TrimReason.QuotaReclaim, bye));
        foreach (var supervisor in _supervisors.Values) supervisor.Tell(new SlotReclaimed(peer));
    }

    // Peers a trimmed peer may turn to instead: our best-scored connected peers that advertise a
    // listen address, never one being closed in the same round.
    private IReadOnlyList<Multiaddr> Alternatives(TrimPlan plan)
    {
        int wanted = _settings.Bye.MaxAlternatives;
        if (wanted == 0 || !_settings.Bye.Enabled) return [];
        var victims = plan.Victims.Select(v => v.Peer).ToHashSet();
        return _policy.BestConnectedPeers(Now, wanted,
                peer => !victims.Contains(peer) && _listenAddresses.TryGetValue(peer, out var a) && a.Count > 0 && _keys.TryGetPeer(peer, out _))
            .Select(peer => WithPeerId(_listenAddresses[peer][0], peer))
            .ToList();
    }

    private Multiaddr WithPeerId(Multiaddr address, PeerKey peer) => address.PeerId is null ? address.WithPeerId(_keys.PeerOf(peer)) : address;

    private void LogRefusalsIfChanged()
    {
        long total = _refusals.Values.Sum();
        if (total == _refusalsLogged) return;
        _refusalsLogged = total;
        _log.Info("admissions refused so far: {0}", string.Join(", ", _refusals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
    }
}
