using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ConnActors.Cluster.Tests.Harness;

/// <summary>
/// Several real ActorSystems in the test process, each with Akka.Remote over TCP on 127.0.0.1 (any free
/// port) and Akka.Cluster with its roles, joined into one cluster: the project's multi-node test harness
/// (the multi-node TestKit is not available here). Nodes are addressed by name ("gateway-1").
/// Barriers, waits, partitions, crashes and leaves are in the other parts of this class; README.md
/// in this folder shows how to write a spec with it. Every wait is bounded.
/// </summary>
public sealed partial class ClusterHarness : IAsyncDisposable
{
    /// <summary>The ActorSystem name of every node (members of one cluster share it).</summary>
    public const string SystemName = ConnActors.Actors.Cluster.ClusterSettings.SystemName;

    private readonly ClusterHarnessOptions _options;
    private readonly List<ClusterNode> _nodes = [];
    private readonly HashSet<string> _joined = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private ClusterHarness(ClusterHarnessOptions options) => _options = options;

    /// <summary>Every node started, alive or not, in start order.</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>The nodes whose ActorSystem still runs.</summary>
    public IReadOnlyList<ClusterNode> LiveNodes => _nodes.Where(n => n.IsAlive).ToList();

    /// <summary>The node named <paramref name="name"/>.</summary>
    public ClusterNode this[string name] =>
        _nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new ArgumentException($"no node named '{name}' (nodes: {string.Join(", ", _nodes.Select(n => n.Name))})", nameof(name));

    /// <summary>
    /// What the configuration implies between a crash (or a partition) and the split-brain resolver's decision,
    /// with no allowance for a loaded machine: the failure detector's acceptable-heartbeat-pause and one
    /// heartbeat-interval, then stable-after. Removal follows within a gossip round or two.
    /// </summary>
    public TimeSpan DowningTime
    {
        get
        {
            var config = _nodes[0].System.Settings.Config;
            return config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause")
                + config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval")
                + config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after");
        }
    }

    /// <summary>Time since the harness started, as its log lines show it.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Starts every node of <paramref name="options"/>, runs <see cref="ClusterHarnessOptions.BeforeJoin"/> on
    /// each, and (with <see cref="ClusterHarnessOptions.JoinOnStart"/>) joins them all and waits until every
    /// node sees every node Up, then runs <see cref="ClusterHarnessOptions.AfterJoin"/>.
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(ClusterHarnessOptions options)
    {
        var duplicate = options.Nodes.GroupBy(n => n.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"two nodes are named '{duplicate.Key}'", nameof(options));
        if (options.Nodes.Count == 0) throw new ArgumentException("no nodes to start", nameof(options));
        if (options.Seed is not null && options.Nodes.All(n => n.Name != options.Seed))
            throw new ArgumentException($"the seed '{options.Seed}' is not one of the nodes", nameof(options));

        foreach (var spec in options.Nodes) NodeConfig.For(spec, options); // every node's HOCON checked before any node starts
        var harness = new ClusterHarness(options);
        try
        {
            foreach (var spec in options.Nodes) await harness.StartNodeAsync(spec);
            if (options.JoinOnStart)
            {
                await harness.JoinAllAsync();
                if (options.AfterJoin is not null)
                    foreach (var node in harness._nodes)
                        await Bounded.WithinAsync(options.AfterJoin(node), options.StepTimeout, $"AfterJoin on {node.Name}");
            }
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more node (not joined; <see cref="ClusterHarnessOptions.BeforeJoin"/> runs on it). Join it
    /// with <see cref="JoinAsync"/>.
    /// </summary>
    public async Task<ClusterNode> StartNodeAsync(NodeSpec spec)
    {
        if (_nodes.Any(n => n.Name == spec.Name)) throw new ArgumentException($"a node named '{spec.Name}' exists already", nameof(spec));
        var system = ActorSystem.Create(SystemName, NodeConfig.SetupFor(spec, _options));
        var node = new ClusterNode(spec, system);
        _nodes.Add(node);
        Log($"started {node} roles [{string.Join(", ", spec.Roles)}]");
        if (_options.BeforeJoin is not null)
            await Bounded.WithinAsync(_options.BeforeJoin(node), _options.StepTimeout, $"BeforeJoin on {node.Name}");
        return node;
    }

    /// <summary>
    /// Joins <paramref name="name"/> to the cluster and waits until it is Up in its own view: the seed joins
    /// itself; any other node joins the seed (joining it first if needed), or the first live Up node when the
    /// seed is gone.
    /// </summary>
    public async Task JoinAsync(string name)
    {
        var node = this[name];
        if (!node.IsAlive) throw new InvalidOperationException($"{name} is not alive: it cannot join");
        var target = JoinTargetFor(node);
        if (target != node && !_joined.Contains(target.Name)) await JoinAsync(target.Name);
        _joined.Add(name);
        Log($"{name} joins {target.Name}");
        using var cancel = new CancellationTokenSource(_options.StepTimeout);
        try
        {
            await node.Cluster.JoinAsync(target.Address, cancel.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ClusterJoinFailedException)
        {
            throw new TimeoutException($"{name} did not become Up by joining {target.Name} within {Bounded.Show(_options.StepTimeout)} ({e.GetType().Name}: {e.Message}). At the deadline:{Environment.NewLine}{DescribeCluster()}");
        }
        Log($"{name} is Up");
    }

    /// <summary>Joins every node not yet a member (the seed first) and waits until every live node sees all of them Up.</summary>
    public async Task JoinAllAsync()
    {
        var seed = SeedNode;
        if (seed.IsAlive && !_joined.Contains(seed.Name)) await JoinAsync(seed.Name);
        var others = _nodes.Where(n => n != seed && n.IsAlive && !_joined.Contains(n.Name)).ToList();
        await Task.WhenAll(others.Select(n => JoinAsync(n.Name)));
        await WaitConvergedAsync(_options.StepTimeout);
    }

    /// <summary>Stops every live node at once (an abort: no cluster leave, as tests end); bounded.</summary>
    public async ValueTask DisposeAsync()
    {
        var live = LiveNodes;
        foreach (var node in live) ((ExtendedActorSystem)node.System).Abort();
        try
        {
            await Bounded.WithinAsync(Task.WhenAll(live.Select(n => n.System.WhenTerminated)), TimeSpan.FromSeconds(30), "stopping the harness's nodes");
        }
        catch (TimeoutException e)
        {
            Log(e.Message);
        }
    }

    private ClusterNode SeedNode => _options.Seed is null ? _nodes[0] : this[_options.Seed];

    private ClusterNode JoinTargetFor(ClusterNode node)
    {
        var seed = SeedNode;
        if (node == seed || seed.IsAlive) return seed;
        return _nodes.FirstOrDefault(n => n != node && n.IsAlive && n.Cluster.IsUp)
            ?? throw new InvalidOperationException($"{node.Name} has no live Up node to join (the seed {seed.Name} is gone)");
    }

    private void Log(string line)
    {
        try
        {
            _options.Log?.Invoke($"[{Bounded.Show(Elapsed),9}] {line}");
        }
        catch (InvalidOperationException)
        {
            // an xunit output helper refuses lines once its test has finished
        }
    }
}
