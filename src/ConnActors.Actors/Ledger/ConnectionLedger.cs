using ConnActors.Actors.Configuration;
using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Ledger;

/// <summary>
/// The node's connection bookkeeping, in one plain class (no Akka, no sockets, no clock reads): pending
/// handshakes, queued, pending and direct dials, live connections and closes in flight — all keyed by the
/// host's connection ids — bye obligations, friends, named protections and the peer directory. Events
/// come in (gate questions, host events, dial results, management changes); decisions are the policy's;
/// what must happen outside is left in <see cref="Effects"/> for the ConnectionManager to carry out.
/// </summary>
internal sealed partial class ConnectionLedger
{
    private readonly ConnActorsSettings _settings;
    private readonly RouterEntryMemory _routerMemory;
    private readonly ConnectionManagerPolicy _policy;
    private readonly PeerDirectory _peers = new();
    private readonly ConnectionTable _connections = new();
    private readonly FriendBook _friends = new();
    private readonly ProtectionBook _protections = new();
    private readonly DialDesk _dials;
    private readonly SubsystemRoutes _subsystems = new();
    private readonly LedgerCounters _counters = new();
    private readonly TrimPlan _plan = new();
    private readonly List<LedgerEffect> _effects = new();

    public ConnectionLedger(ConnActorsSettings settings, ulong seed, RouterEntryMemory? routerMemory = null)
    {
        _settings = settings;
        _routerMemory = routerMemory ?? new RouterEntryMemory();
        _policy = new ConnectionManagerPolicy(settings.Policy) { PeerForgotten = ReleaseIfUnheld };
        _dials = new DialDesk(settings.Politeness, new DeterministicRandom(seed));
    }

    public ConnectionManagerPolicy Policy => _policy;

    public PeerDirectory Peers => _peers;

    public ConnectionTable Connections => _connections;

    public FriendBook Friends => _friends;

    public ProtectionBook Protections => _protections;

    public DialDesk Dials => _dials;

    public SubsystemRoutes Subsystems => _subsystems;

    public LedgerCounters Counters => _counters;

    /// <summary>What the last calls decided must happen outside; the caller carries them out and clears the list.</summary>
    public List<LedgerEffect> Effects => _effects;

    /// <summary>Enrolls a subsystem with the policy and routes its protocols to it; null reason when accepted as asked.</summary>
    public Enrollment Enroll(QuotaDefinition quota)
    {
        var enrollment = _policy.Enroll(new QuotaRequest(quota.Name, quota.Reserved, quota.Maximum));
        if (enrollment.Outcome == EnrollmentOutcome.Rejected)
            throw new PolicyConfigurationException($"connactors.quotas.{quota.Name}", enrollment.Reason ?? "rejected");
        if (enrollment.Outcome == EnrollmentOutcome.CounterProposed) _policy.Quotas.AcceptCounterProposal(enrollment.Id);
        foreach (var protocol in quota.Protocols)
        {
            _subsystems.Route(protocol, enrollment.Id);
            if (quota.Name == "system") _subsystems.RouteUpkeep(protocol);
        }
        return enrollment;
    }

    /// <summary>Drops expired peer records (the policy's) and what the ledger kept only for them.</summary>
    public void Tick(long nowMs)
    {
        _policy.Tick(nowMs);
        ApplyLease(nowMs); // a lapsed lease is enforced at the next admission anyway; this trims down to it
    }

    /// <summary>True when the peer's actor may stop: no connection or attempt, not a friend, no dial waiting.</summary>
    public bool MayForgetActorOf(PeerKey key) =>
        !_connections.HoldsAny(key) && !_friends.IsFriend(key) && !_dials.Holds(key);

    // A key may be released only when nothing keyed by it is held any more: a new key for the same peer
    // would otherwise lose its penalty, its protections or dodge a bye obligation.
    private void ReleaseIfUnheld(PeerKey key)
    {
        if (_connections.HoldsAny(key) || _friends.IsFriend(key) || _protections.IsProtected(key) || _dials.Holds(key)) return;
        _peers.Release(key);
    }

    /// <summary>Releases the key when the policy no longer remembers the peer and the ledger holds nothing for it.</summary>
    private void ReleaseIfForgotten(PeerKey key)
    {
        if (!_policy.Remembers(key)) ReleaseIfUnheld(key);
    }

    private void CountRefusal(RefusalReason reason) => _counters.Refused(reason);
}
