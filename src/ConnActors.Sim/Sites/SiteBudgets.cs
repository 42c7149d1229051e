using ConnActors.Policy.Engine;
using ConnActors.Policy.Fleet;
using ConnActors.Policy.Limits;
using ConnActors.Sim.Churn;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Events;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Sites;

/// <summary>
/// Router entries (issues 10 and 13): under a variant that counts them (<see cref="PolicyVariant.CountsRouterEntries"/>:
/// v2), every node behind a home router holds at most a budget of that router's table,
/// <see cref="Scenarios.ScenarioSettings.SiteBudgetShare"/> of it, counting its open connections plus the entries of its
/// ended connections and attempts still lingering in the router (a refused attempt that was reset for the shorter reset
/// linger) (<see cref="RouterEntryBudget"/>).
/// <list type="bullet">
/// <item>A node alone behind its router (the node's <c>limits.router-entries</c>) holds the whole budget, and its hard
/// cap is <see cref="RouterEntryBudget.HardCapFor"/>: half the budget when that is below its profile's.</item>
/// <item>The online nodes behind a router with two or more seats (a household running its nodes as one cluster site,
/// the node's <c>cluster.site-budget</c>) split the budget with the policy library's <see cref="SiteAllocation"/>
/// (demand from <see cref="SiteDemand"/>), as each member's Negotiator would: again whenever a member joins or leaves
/// and every <see cref="RebalanceEveryMs"/>. Each member's engine is resized to its share
/// (<see cref="ConnectionManagerPolicy.Resize"/>) and regulated; the entries that members which went offline left
/// behind are taken off the budget before it is split.</item>
/// </list>
/// </summary>
internal sealed class SiteBudgets : INodeLifecycle
{
    /// <summary>How often the shares follow the members' demand (the Negotiator's load gossip is about this often).</summary>
    public const long RebalanceEveryMs = 10_000;

    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly Regulator _regulator;
    // The shared routers' sites, by router (null: no site) and in the order they are rebalanced.
    private readonly Site?[] _siteOf = [];
    private readonly List<Site> _sites = new();
    private readonly int[] _share;
    private readonly LingeringEntries?[] _lingering;
    private readonly LingeringEntries?[] _reset = [];
    private readonly long[] _refusals;

    public SiteBudgets(SimContext ctx, NodeEngines engines, Regulator regulator)
    {
        _ctx = ctx;
        _engines = engines;
        _regulator = regulator;
        _share = new int[ctx.Nodes.Count];
        _lingering = new LingeringEntries?[ctx.Nodes.Count];
        _refusals = new long[ctx.Nodes.Count];
        Enabled = engines.Variant.CountsRouterEntries && ctx.Scenario.SiteBudgetShare > 0;
        if (!Enabled) return;
        _reset = new LingeringEntries?[ctx.Nodes.Count];
        var nodes = ctx.Nodes;
        _siteOf = new Site?[ctx.Routers.Count];
        foreach (var site in Enumerable.Range(0, nodes.Count).Where(n => nodes.Router[n] >= 0).GroupBy(n => nodes.Router[n]))
        {
            if (site.Count() < 2) continue;
            _siteOf[site.Key] = new Site(site.Key, site.ToArray());
            _sites.Add(_siteOf[site.Key]!);
        }
        engines.Configure += (node, engine) =>
        {
            if (engine is not ConnectionManagerPolicy v2) return;
            if (_share[node] > 0) v2.Resize(_share[node]);
            else if (IsAlone(node) && RouterEntryBudget.HardCapFor(Budget(nodes.Router[node]), v2.Settings.Limits.HardCap) is var cap
                     && cap < v2.Settings.Limits.HardCap) v2.Resize(cap);
        };
    }

    /// <summary>True when this run's nodes count their router entries.</summary>
    public bool Enabled { get; }

    /// <summary>Sites (shared routers) whose members split a budget.</summary>
    public int Count => _sites.Count;

    /// <summary>The router entries the node or nodes behind <paramref name="router"/> may hold.</summary>
    public int Budget(int router) => (int)(_ctx.Routers.Capacity(router) * _ctx.Scenario.SiteBudgetShare);

    /// <summary>
    /// May <paramref name="node"/> start one more connection (a dial, or accept an inbound one)? Always for a
    /// node with no router; for a node alone behind one, while its entries stay below the budget; for a member, while its open connections and lingering entries leave room in its
    /// share or, borrowing, in the site's budget beside what the other members hold (simulated dials are
    /// settled at once, so none is ever in flight). The simulator sees the others' entries as they are; a
    /// member in the product sees them as last reported. A refusal counts toward the member's
    /// demand at the next split, as the node's capacity refusals do in the product.
    /// </summary>
    public bool MayOpen(int node)
    {
        int router = _ctx.Nodes.Router[node];
        if (router < 0) return true;
        if (IsAlone(node))
        {
            if (RouterEntryBudget.MayOpen(Budget(router), _ctx.Links.Degree(node), 0, Lingering(node))) return true;
            _refusals[node]++;
            return false;
        }
        if (_share[node] <= 0) return true;
        long othersHeld = 0;
        foreach (int other in _siteOf[router]!.Nodes)
        {
            if (other != node) othersHeld += (_ctx.Nodes.Online[other] ? _ctx.Links.Degree(other) : 0) + Lingering(other);
        }
        if (RouterEntryBudget.MayOpen(_share[node], _ctx.Links.Degree(node), 0, Lingering(node), Budget(router), othersHeld)) return true;
        _refusals[node]++;
        return false;
    }

    /// <summary>One of <paramref name="node"/>'s connections or attempts ended: its router entry lingers.</summary>
    public void EntryEnded(int node)
    {
        if (Enabled && _ctx.Nodes.Router[node] >= 0)
            (_lingering[node] ??= new LingeringEntries(_ctx.Scenario.RouterLingerMs)).Ended(_ctx.Now);
    }

    /// <summary>One of <paramref name="node"/>'s attempts was refused with a reset: its router entry lingers for the reset linger.</summary>
    public void EntryReset(int node)
    {
        if (Enabled && _ctx.Nodes.Router[node] >= 0)
            (_reset[node] ??= new LingeringEntries(_ctx.Scenario.RouterResetLingerMs)).Ended(_ctx.Now);
    }

    /// <summary>The router entries of <paramref name="node"/>'s ended connections and attempts still lingering.</summary>
    public int Lingering(int node) => (_lingering[node]?.Count(_ctx.Now) ?? 0) + Resets(node);

    /// <summary>The router entries of <paramref name="node"/>'s attempts refused with a reset, still lingering (they may take it past its budget: the router took them first).</summary>
    public int Resets(int node) => Enabled ? _reset[node]?.Count(_ctx.Now) ?? 0 : 0;

    /// <summary>True when <paramref name="node"/> counts its router entries alone: it sits behind a router it shares with no other node.</summary>
    public bool IsAlone(int node) => Enabled && _ctx.Nodes.Router[node] >= 0 && _siteOf[_ctx.Nodes.Router[node]] is null;

    /// <summary>The hard cap <paramref name="node"/> holds as its site's share (0: none).</summary>
    public int ShareOf(int node) => _share[node];

    public void Schedule()
    {
        if (Enabled) _ctx.Queue.Schedule(RebalanceEveryMs, EventKind.SiteRebalance);
    }

    /// <summary>Every site's split follows its members' demand.</summary>
    public void RebalanceAll()
    {
        foreach (var site in _sites) Rebalance(site);
        _ctx.After(RebalanceEveryMs, EventKind.SiteRebalance);
    }

    public void NodeJoined(int node, int session) => RebalanceSiteOf(node);

    public void NodeLeft(int node)
    {
        if (!Enabled) return;
        _share[node] = 0;
        RebalanceSiteOf(node);
    }

    private void RebalanceSiteOf(int node)
    {
        if (Enabled && _ctx.Nodes.Router[node] is >= 0 and var router && _siteOf[router] is { } site) Rebalance(site);
    }

    private void Rebalance(Site site)
    {
        var nodes = _ctx.Nodes;
        int online = 0, leftBehind = 0;
        foreach (int n in site.Nodes)
        {
            if (nodes.Online[n]) online++;
            else leftBehind += Lingering(n);
        }
        if (online == 0) return;
        var members = new SiteMember[online];
        var onlineNodes = new int[online];
        for (int i = 0, k = 0; i < site.Nodes.Length; i++)
        {
            int n = site.Nodes[i];
            if (!nodes.Online[n]) continue;
            onlineNodes[k] = n;
            members[k++] = Member(n, site.Addresses[i]);
        }
        var caps = site.Split(Math.Max(0, Budget(site.Router) - leftBehind), members);
        for (int k = 0; k < online; k++)
        {
            int node = onlineNodes[k];
            // A member whose floor did not fit runs at the smallest workable cap rather than none (the
            // node in the product would admit nothing; the simulated workload needs an engine).
            int cap = Math.Max(SiteAllocation.MinimumCap, caps[k]);
            if (cap == _share[node]) continue;
            _share[node] = cap;
            if (_engines.ExistingV2(node) is { } v2)
            {
                v2.Resize(cap);
                _regulator.Queue(node);
            }
        }
    }

    private SiteMember Member(int node, string address)
    {
        int maxCap = ResourceProfiles.For(_ctx.Nodes.Profile[node]).HardCap;
        if (_engines.ExistingV2(node) is not { } v2) return new SiteMember(address, SiteAllocation.MinimumCap, 0, 0, maxCap);
        var limits = v2.Settings.Limits;
        // What the member holds of the router (open plus lingering entries) is its occupancy; refusals since the last split press it.
        int demand = SiteDemand.Of(v2.Connections + Lingering(node), limits.HardCap, limits.HighWater, maxCap, capacityRefusals: _refusals[node]);
        _refusals[node] = 0;
        return new SiteMember(address, demand, 0, 0, maxCap);
    }
}
