using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Cluster.Tests.Support;

/// <summary>
/// A ConnActors node (manager, libp2p host on loopback, Negotiator) on every node of a <see cref="ClusterHarness"/>,
/// and a record of every hard cap each node took and when (from its EventStream), to check the site budget over
/// the whole run, not only at samples.
/// </summary>
internal sealed class FleetNodes : IAsyncDisposable
{
    public static readonly TimeSpan Ask = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ConnActorsNode> _nodes = new();
    private readonly ConcurrentQueue<(long Ticks, string Node, HardCapChanged Share)> _caps = new();
    private readonly long _start = Stopwatch.GetTimestamp();

    private FleetNodes()
    {
    }

    public ClusterHarness Harness { get; private set; } = null!;

    public ConnActorsNode this[string name] => _nodes[name];

    /// <summary>Starts the harness with a ConnActors node on each of its nodes (before they join).</summary>
    public static async Task<FleetNodes> StartAsync(ClusterHarnessOptions options)
    {
        var fleet = new FleetNodes();
        fleet.Harness = await ClusterHarness.StartAsync(options with
        {
            Hocon = "connactors.libp2p.listen = [\"/ip4/127.0.0.1/tcp/0\"]\nconnactors.regulation.interval = 100ms\n" + options.Hocon,
            BeforeJoin = async node =>
            {
                await fleet.StartNodeOnAsync(node);
                if (options.BeforeJoin is { } more) await more(node);
            },
        });
        return fleet;
    }

    /// <summary>Adds a node to the cluster later (started, its ConnActors node by the join hook, then joined).</summary>
    public async Task AddAsync(NodeSpec spec)
    {
        await Harness.StartNodeAsync(spec);
        await Harness.JoinAsync(spec.Name);
    }

    /// <summary>A crash: the node's ActorSystem is aborted and its libp2p host dies with it.</summary>
    public Task KillAsync(string name) => Harness.KillAsync(name);

    public Task LeaveAsync(string name) => Harness.LeaveAsync(name);

    public Task<ManagerStatus> StatusAsync(string name) => _nodes[name].Manager.Ask<ManagerStatus>(GetManagerStatus.Instance, Ask);

    public Task<ClusterStatus> ClusterAsync(string name) => _nodes[name].Negotiator!.Ask<ClusterStatus>(GetClusterStatus.Instance, Ask);

    /// <summary>The hard caps of the live nodes now.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CapsAsync()
    {
        var caps = new Dictionary<string, int>();
        foreach (var node in Harness.LiveNodes) caps[node.Name] = (await StatusAsync(node.Name)).Counts.HardCap;
        return caps;
    }

    /// <summary>
    /// Asserts that the caps in force never added up to more than <paramref name="budget"/> at any moment of the run
    /// (<see cref="MaxSumOfCaps"/>); <paramref name="log"/>, when given, hears the largest sum and when it was.
    /// </summary>
    public void AssertCapsNeverAbove(int budget, Action<string>? log = null)
    {
        var (max, at) = MaxSumOfCaps();
        log?.Invoke($"largest sum of the caps in force at any moment: {max} (at {at})");
        Assert.True(max <= budget, $"the caps in force added up to {max} > {budget} at {at}");
    }

    /// <summary>
    /// The largest sum of hard caps in force at any moment of the run, from every change each node made (a
    /// node counts from the moment it starts, at 0 until the site gives it a share, and at 0 once killed). A
    /// leased share is in force as its lease says (<see cref="HardCapChanged.InForceAt"/>): until the lease lapses
    /// whether or not the node's actors ran, and no longer, so a share that lapsed while its node was starved counts
    /// as what the node's admission enforces.
    /// </summary>
    public (int Max, string At) MaxSumOfCaps()
    {
        var events = _caps.OrderBy(c => c.Ticks).ToList();
        // The sum can only rise at an event; between events leases only lapse. So the sum right after each event is enough.
        var current = new Dictionary<string, HardCapChanged>();
        int max = 0;
        string at = "never";
        foreach (var (ticks, node, share) in events)
        {
            current[node] = share;
            var inForce = current.ToDictionary(c => c.Key, c => c.Value.InForceAt(ticks));
            int sum = inForce.Values.Sum();
            if (sum <= max) continue;
            max = sum;
            at = $"{Stopwatch.GetElapsedTime(_start, ticks).TotalSeconds:F2} s: {string.Join(", ", inForce.Select(c => $"{c.Key} {c.Value}"))}";
        }
        return (max, at);
    }

    /// <summary>
    /// The cap <paramref name="node"/> had in force every <paramref name="step"/> from <paramref name="fromTicks"/> to
    /// <paramref name="toTicks"/> (<see cref="Stopwatch"/> timestamps), from the last change before each moment and its lease.
    /// </summary>
    public IReadOnlyList<(double Seconds, int Cap)> InForceEvery(string node, long fromTicks, long toTicks, TimeSpan step) =>
        SharesEvery(node, fromTicks, toTicks, step).Select(s => (s.Seconds, s.InForce)).ToList();

    /// <summary>
    /// The moments (every <paramref name="step"/>, as <see cref="InForceEvery"/>) at which <paramref name="node"/>'s lease had
    /// lapsed: the cap in force was below the share it was last granted. A share that shrinks by a split is not a lapse.
    /// </summary>
    public IReadOnlyList<(double Seconds, int Grant, int InForce)> LapsedEvery(string node, long fromTicks, long toTicks, TimeSpan step) =>
        SharesEvery(node, fromTicks, toTicks, step).Where(s => s.InForce < s.Grant).ToList();

    private List<(double Seconds, int Grant, int InForce)> SharesEvery(string node, long fromTicks, long toTicks, TimeSpan step)
    {
        var events = _caps.Where(c => c.Node == node).OrderBy(c => c.Ticks).ToList();
        var result = new List<(double, int, int)>();
        long stepTicks = (long)(step.TotalSeconds * Stopwatch.Frequency);
        for (long at = fromTicks; at <= toTicks; at += stepTicks)
        {
            var last = events.LastOrDefault(e => e.Ticks <= at);
            result.Add((Stopwatch.GetElapsedTime(fromTicks, at).TotalSeconds, last.Share?.Grant ?? 0, last.Share?.InForceAt(at) ?? 0));
        }
        return result;
    }

    /// <summary>Each change of the share (grant) <paramref name="node"/> was given from <paramref name="fromTicks"/> on, with when (seconds after it).</summary>
    public IReadOnlyList<(double Seconds, int Grant)> GrantChangesSince(string node, long fromTicks)
    {
        var changes = new List<(double, int)>();
        int? previous = _caps.Where(c => c.Node == node && c.Ticks < fromTicks).OrderBy(c => c.Ticks).LastOrDefault().Share?.Grant;
        foreach (var (ticks, _, share) in _caps.Where(c => c.Node == node && c.Ticks >= fromTicks).OrderBy(c => c.Ticks))
        {
            if (share.Grant == previous) continue;
            changes.Add((Stopwatch.GetElapsedTime(fromTicks, ticks).TotalSeconds, share.Grant));
            previous = share.Grant;
        }
        return changes;
    }

    /// <summary>The name of the oldest member (the one that allocates while every member reaches it), as <paramref name="observer"/> sees the cluster.</summary>
    public string Oldest(string observer)
    {
        var oldest = Harness[observer].Cluster.State.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up).OrderBy(m => m, Akka.Cluster.Member.AgeOrdering).First();
        return Harness.Nodes.Single(n => n.Address == oldest.Address).Name;
    }

    /// <summary>The hard caps <paramref name="node"/> took, in the order it took them.</summary>
    public IReadOnlyList<int> CapHistoryOf(string node) => _caps.Where(c => c.Node == node).OrderBy(c => c.Ticks).Select(c => c.Share.HardCap).ToList();

    /// <summary>Every hard cap <paramref name="node"/> took during the run.</summary>
    public IReadOnlySet<int> CapsTakenBy(string node) => _caps.Where(c => c.Node == node).Select(c => c.Share.HardCap).ToHashSet();

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values) await node.Host.DisposeAsync();
        await Harness.DisposeAsync();
    }

    private async Task StartNodeOnAsync(ClusterNode node)
    {
        var settings = ConnActorsSettings.FromConfig(node.System.Settings.Config);
        Record(node.Name, 0);
        var recorder = node.System.ActorOf(Props.Create(() => new CapRecorder(this, node.Name)));
        node.System.EventStream.Subscribe(recorder, typeof(HardCapChanged));
        var started = await ConnActorsNode.StartAsync(node.System, settings, PrivateKey.Generate(), joinCluster: false);
        _nodes[node.Name] = started;
        // A node whose system stops (downed by the resolver, left, killed) holds nothing from then on, as a real one.
        _ = node.System.WhenTerminated.ContinueWith(async _ =>
        {
            Record(node.Name, 0);
            await started.Host.DisposeAsync();
        }, TaskScheduler.Default);
    }

    private void Record(string node, int cap)
    {
        long now = Stopwatch.GetTimestamp();
        _caps.Enqueue((now, node, new HardCapChanged(cap, now)));
    }

    private sealed class CapRecorder : ReceiveActor
    {
        public CapRecorder(FleetNodes fleet, string node) => Receive<HardCapChanged>(m => fleet._caps.Enqueue((m.Timestamp, node, m)));
    }
}
