using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Trimming;

namespace ConnActors.Baselines;

public sealed partial class BasicConnectionManager
{
    private readonly BasicPeerOrder _trimOrder = new(moreStreamsFirst: false);
    private readonly BasicPeerOrder _emergencyOrder = new(moreStreamsFirst: true);
    private BasicPeer[] _candidates = new BasicPeer[64];
    private readonly List<BasicPeer> _expiredTemporary = new();
    private bool[] _decayDue = new bool[4];
    private long _nextTrimTickMs, _lastDecayTickMs, _nextDecayTickMs;
    private bool _trimDue;

    /// <summary>When the last trim (ticker or emergency) ran, or null.</summary>
    public long? LastTrimMs { get; private set; }

    /// <summary>
    /// The two tickers of go's BasicConnMgr. The trim ticker fires every silence period and, when the
    /// count is at or above high water at that moment, makes a trim due; the decay ticker fires every
    /// decay resolution and walks every entry and every decaying tag (O(P*T)). Missed fires are dropped,
    /// as a Go ticker drops them.
    /// </summary>
    public void Tick(long nowMs)
    {
        if (nowMs >= _nextTrimTickMs)
        {
            _nextTrimTickMs = NextFire(_nextTrimTickMs, Settings.SilencePeriodMs, nowMs);
            if (EffectiveConnections >= Settings.HighWater) _trimDue = true;
        }
        if (nowMs >= _nextDecayTickMs)
        {
            _nextDecayTickMs = NextFire(_nextDecayTickMs, Settings.DecayResolutionMs, nowMs);
            SweepDecayingTags(nowMs);
        }
    }

    /// <summary>
    /// <see cref="RegulationTrigger.HighWater"/> only when a trim-ticker fire found the count at or above
    /// high water and that trim has not run yet: between fires the count may overshoot high water without
    /// any trim, exactly as in go.
    /// </summary>
    public RegulationTrigger CheckRegulation(long nowMs) => _trimDue ? RegulationTrigger.HighWater : RegulationTrigger.None;

    /// <summary>
    /// go's trim: candidates are unprotected, non-friend peers first seen at least a grace period ago.
    /// When their connections are fewer than low water nothing is trimmed; otherwise every candidate is
    /// sorted and whole peers are closed until the candidates' connections come down to low water (so
    /// peers in grace and protected peers stay on top of low water, as in go). Expired temporary entries
    /// met on the way are dropped. Victims are marked as closing.
    /// </summary>
    public void PlanTrim(long nowMs, TrimPlan plan)
    {
        int count = EffectiveConnections;
        if (!_trimDue)
        {
            plan.Reset(RegulationTrigger.None, count, count);
            return;
        }
        _trimDue = false;
        LastTrimMs = nowMs;
        plan.Reset(RegulationTrigger.HighWater, count, count);
        if (count <= Settings.LowWater) return;

        int candidates = CollectCandidates(nowMs, respectGrace: true, out int candidateConnections);
        plan.CandidatesConsidered = candidates;
        if (candidateConnections < Settings.LowWater) return;

        int toClose = candidateConnections - Settings.LowWater;
        plan.Target = count - toClose;
        Sort(candidates, _trimOrder);
        for (int i = 0; i < candidates && toClose > 0; i++)
        {
            var entry = _candidates[i];
            if (entry.IsTemporary && entry.Connections == 0)
            {
                _expiredTemporary.Add(entry);
                continue;
            }
            AddVictim(plan, entry, TrimReason.LowScore);
            toClose -= entry.Connections;
        }
        foreach (var expired in _expiredTemporary) Forget(expired);
        _expiredTemporary.Clear();
        Array.Clear(_candidates, 0, candidates);
    }

    /// <summary>
    /// go's memory emergency: ignores grace and the silence period, sorts every unprotected peer (more
    /// streams first, to free memory) and closes whole peers until <paramref name="target"/> is reached.
    /// Unlike go, which falls back to closing protected peers when the unprotected ones do not suffice,
    /// friends and protected peers are always spared.
    /// </summary>
    public void PlanEmergencyTrim(long nowMs, int target, TrimPlan plan)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        int count = EffectiveConnections;
        plan.Reset(RegulationTrigger.Emergency, count, target);
        LastTrimMs = nowMs;
        int toClose = count - target;
        if (toClose <= 0) return;
        int candidates = CollectCandidates(nowMs, respectGrace: false, out _);
        plan.CandidatesConsidered = candidates;
        Sort(candidates, _emergencyOrder);
        for (int i = 0; i < candidates && toClose > 0; i++)
        {
            var entry = _candidates[i];
            if (entry.Connections == 0) continue;
            AddVictim(plan, entry, TrimReason.Emergency);
            toClose -= entry.Connections;
        }
        Array.Clear(_candidates, 0, candidates);
    }

    private int CollectCandidates(long nowMs, bool respectGrace, out int candidateConnections)
    {
        if (_candidates.Length < _peers.Count) _candidates = new BasicPeer[Math.Max(_peers.Count, _candidates.Length * 2)];
        int count = 0;
        candidateConnections = 0;
        foreach (var entry in _peers.Values)
        {
            _work++;
            if (entry.IsClosing || _protections.ContainsKey(entry.Id)) continue;
            if (respectGrace && nowMs - entry.FirstSeenMs < Settings.GracePeriodMs) continue;
            _candidates[count++] = entry;
            candidateConnections += entry.Connections;
        }
        return count;
    }

    private void Sort(int count, BasicPeerOrder order)
    {
        order.Comparisons = 0;
        Array.Sort(_candidates, 0, count, order);
        _work += order.Comparisons;
    }

    private void AddVictim(TrimPlan plan, BasicPeer entry, TrimReason reason)
    {
        plan.Add(new TrimVictim(new PeerKey(entry.Id), reason, entry.Connections, entry.Value));
        entry.IsClosing = true;
        _closing += entry.Connections;
    }

    private void SweepDecayingTags(long nowMs)
    {
        _lastDecayTickMs = nowMs;
        if (_decayDue.Length < _decayingTags.Count) _decayDue = new bool[_decayingTags.Count * 2];
        for (int t = 0; t < _decayingTags.Count; t++) _decayDue[t] = _decayingTags[t].NextDueMs <= nowMs;

        // go visits every entry on every fire, whether or not one of its tags is due.
        foreach (var entry in _peers.Values)
        {
            _work++;
            for (int i = 0; i < entry.DecayingCount;)
            {
                _work++;
                ref var value = ref entry.Decaying[i];
                if (!_decayDue[value.Tag])
                {
                    i++;
                    continue;
                }
                int after = _decayingTags[value.Tag].Decay.Apply(value.Value, out bool remove);
                if (remove)
                {
                    entry.Value -= value.Value;
                    entry.RemoveDecayingAt(i);
                    continue;
                }
                entry.Value += after - value.Value;
                value.Value = after;
                value.LastVisitMs = nowMs;
                i++;
            }
        }

        for (int t = 0; t < _decayingTags.Count; t++)
        {
            if (_decayDue[t]) _decayingTags[t].NextDueMs += _decayingTags[t].IntervalMs;
        }
    }

    private static long NextFire(long due, long period, long nowMs) => due + period * (1 + (nowMs - due) / period);
}
