using ConnActors.Actors.Cluster;
using ConnActors.Node.Http;
using Prometheus;

namespace ConnActors.Node.Metrics;

/// <summary>
/// The fleet as this member sees it, as Prometheus metrics (served only by a clustered node), read from the
/// Negotiator's <see cref="ClusterStatus"/> at each scrape: members by status and by reachability, the site budgets
/// with this member's share and what the site's members hold together, and the Negotiator's counters (handoffs,
/// penalties, loads, messages, refusals, suspicions of a silent allocator).
/// </summary>
internal sealed class ClusterMetrics : IMetricsSource
{
    private static readonly string[] Statuses = ["joining", "weakly_up", "up", "leaving", "exiting", "down"];
    private static readonly (string Counter, string Stage)[] Handoffs =
        [("handoffsOffered", "offered"), ("handoffsAccepted", "accepted"), ("handoffsCompleted", "completed"), ("handoffsFailed", "failed"), ("handoffsTaken", "taken")];

    private readonly FleetClient _fleet;
    private readonly Gauge _members;
    private readonly Gauge _reachability;
    private readonly Gauge _budget;
    private readonly Gauge _share;
    private readonly Gauge _allocated;
    private readonly Counter _handoffs;
    private readonly Counter _penalties;
    private readonly Counter _published;
    private readonly Counter _sent;
    private readonly Counter _refused;
    private readonly Counter _suspicions;

    public ClusterMetrics(FleetClient fleet, IMetricFactory factory)
    {
        _fleet = fleet;
        _members = factory.CreateGauge("connactors_cluster_members", "Members of the cluster as this node sees them, by status.", ["status"]);
        _reachability = factory.CreateGauge("connactors_cluster_member_reachability", "Members of the cluster reachable or unreachable from this node.", ["reachability"]);
        _budget = factory.CreateGauge("connactors_cluster_site_budget", "A site's connection budget, shared by its members.", ["site"]);
        _share = factory.CreateGauge("connactors_cluster_site_share", "This node's share of its site's budget: the hard cap it last published to the fleet.", ["site"]);
        _allocated = factory.CreateGauge("connactors_cluster_site_allocated", "The hard caps a site's members published, added up (never above the site's budget).", ["site"]);
        _handoffs = factory.CreateCounter("connactors_cluster_handoffs_total",
            "Handoffs of peers this node had to trim: offered to a member with room, accepted, completed (the member connected), failed; and taken (offered to this node by others).", ["stage"]);
        _penalties = factory.CreateCounter("connactors_cluster_penalties_total", "Penalties this node shared with the fleet, and penalties recorded by other members merged here.", ["kind"]);
        _published = factory.CreateCounter("connactors_cluster_loads_published_total", "Load reports this node published to the fleet.");
        _sent = factory.CreateCounter("connactors_cluster_messages_sent_total", "Messages this node's Negotiator sent to other members.");
        _refused = factory.CreateCounter("connactors_cluster_refused_total", "Messages refused because their sender is not a member of the cluster.");
        _suspicions = factory.CreateCounter("connactors_cluster_allocator_suspicions_total",
            "Times this node stopped asking its site allocator because it left the lease requests unanswered (share-lease.suspect-silence).");
        foreach (var status in Statuses) _members.WithLabels(status);
        foreach (var (_, stage) in Handoffs) _handoffs.WithLabels(stage);
    }

    public async Task CollectAsync(CancellationToken cancel)
    {
        var (status, _) = await _fleet.StatusAsync(cancel);
        if (status is null) throw new ScrapeFailedException("the Negotiator did not answer");

        foreach (var name in Statuses) _members.WithLabels(name).Set(status.Members.Count(m => StatusName(m.Status) == name));
        _reachability.WithLabels("reachable").Set(status.Members.Count(m => m.Reachable));
        _reachability.WithLabels("unreachable").Set(status.Members.Count(m => !m.Reachable));
        foreach (var site in status.Sites)
        {
            _budget.WithLabels(site.Name).Set(site.Budget);
            _allocated.WithLabels(site.Name).Set(site.Allocations.Values.Sum());
            if (site.Allocations.TryGetValue(status.Self, out int share)) _share.WithLabels(site.Name).Set(share);
        }
        foreach (var (counter, stage) in Handoffs) _handoffs.WithLabels(stage).IncTo(status.Counters.GetValueOrDefault(counter));
        _penalties.WithLabels("shared").IncTo(status.Counters.GetValueOrDefault("penaltiesShared"));
        _penalties.WithLabels("merged").IncTo(status.Counters.GetValueOrDefault("penaltiesMerged"));
        _published.IncTo(status.Counters.GetValueOrDefault("loadsPublished"));
        _sent.IncTo(status.Counters.GetValueOrDefault("messagesSent"));
        _refused.IncTo(status.Counters.GetValueOrDefault("refusedFromNonMembers"));
        _suspicions.IncTo(status.Counters.GetValueOrDefault("allocatorsSuspected"));
    }

    // Akka's member status names (Up, WeaklyUp, ...) as label values (up, weakly_up, ...).
    private static string StatusName(string status) =>
        string.Concat(status.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
