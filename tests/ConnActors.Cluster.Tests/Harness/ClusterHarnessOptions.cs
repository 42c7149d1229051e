namespace ConnActors.Cluster.Tests.Harness;

/// <summary>What a <see cref="ClusterHarness"/> starts and how.</summary>
public sealed record ClusterHarnessOptions
{
    /// <summary>The nodes, started in this order; names must be unique.</summary>
    public required IReadOnlyList<NodeSpec> Nodes { get; init; }

    /// <summary>The node the others join (it joins itself); the first node when null.</summary>
    public string? Seed { get; init; }

    /// <summary>
    /// The split-brain resolver's <c>stable-after</c>: how long reachability must stay unchanged before
    /// it downs the minority. 4 s by default: a partition is resolved about 8.5 s after it starts (4.5 s
    /// to detect, 4 s to be stable). A spec that heals a partition "before the resolver acts" sets it
    /// longer so that the heal is not a race.
    /// </summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>HOCON given to every node (below each node's own <see cref="NodeSpec.Hocon"/>).</summary>
    public string? Hocon { get; init; }

    /// <summary>Join every node when the harness starts (and wait until all see all Up). Otherwise call <see cref="ClusterHarness.JoinAsync"/>.</summary>
    public bool JoinOnStart { get; init; } = true;

    /// <summary>Runs on each node after its ActorSystem started and before it joins: register actors here.</summary>
    public Func<ClusterNode, Task>? BeforeJoin { get; init; }

    /// <summary>Runs on each node once every node sees all members Up (only with <see cref="JoinOnStart"/>).</summary>
    public Func<ClusterNode, Task>? AfterJoin { get; init; }

    /// <summary>Bound of each step of the harness itself (start, join, throttle commands, termination).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the harness says what it does (e.g. an xunit ITestOutputHelper's WriteLine).</summary>
    public Action<string>? Log { get; init; }
}
