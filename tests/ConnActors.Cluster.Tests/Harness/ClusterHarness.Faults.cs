using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;

namespace ConnActors.Cluster.Tests.Harness;

public sealed partial class ClusterHarness
{
    private readonly HashSet<(string, string)> _blackholed = [];

    /// <summary>
    /// Cuts every link between <paramref name="side"/> and <paramref name="otherSide"/> in both directions:
    /// each node's throttler (the trttl transport adapter) drops everything to and from the nodes of the
    /// other side. The TCP connections stay open, as in a real partition; nothing is delivered over them.
    /// </summary>
    public async Task PartitionAsync(IEnumerable<string> side, IEnumerable<string> otherSide)
    {
        var (a, b) = (side.ToList(), otherSide.ToList());
        await SetLinksAsync(a, b, Blackhole.Instance);
        Log($"partitioned {{{string.Join(", ", a)}}} | {{{string.Join(", ", b)}}}");
    }

    /// <summary>Partitions <paramref name="side"/> from every other live node.</summary>
    public Task IsolateAsync(params string[] side) =>
        PartitionAsync(side, LiveNodes.Select(n => n.Name).Except(side));

    /// <summary>Restores the links between <paramref name="side"/> and <paramref name="otherSide"/> (Unthrottled).</summary>
    public async Task HealAsync(IEnumerable<string> side, IEnumerable<string> otherSide)
    {
        var (a, b) = (side.ToList(), otherSide.ToList());
        await SetLinksAsync(a, b, Unthrottled.Instance);
        Log($"healed {{{string.Join(", ", a)}}} | {{{string.Join(", ", b)}}}");
    }

    /// <summary>Restores every link the harness has cut between live nodes.</summary>
    public async Task HealAllAsync()
    {
        foreach (var (a, b) in _blackholed.ToList())
            await SetLinksAsync([a], [b], Unthrottled.Instance);
        Log("healed every link");
    }

    /// <summary>
    /// Kills <paramref name="name"/> as a crash looks to the others: every link to it is blackholed first (so
    /// nothing it says while stopping, such as a leave or a disassociation, reaches anyone), then its
    /// ActorSystem is aborted, which skips coordinated shutdown and so the cluster leave. The others learn of
    /// it only through their failure detectors, and the split-brain resolver downs it.
    /// </summary>
    public async Task KillAsync(string name)
    {
        var victim = this[name];
        if (!victim.IsAlive) throw new InvalidOperationException($"{name} is not alive: it cannot be killed");
        await SetLinksAsync([name], LiveNodes.Where(n => n != victim).Select(n => n.Name).ToList(), Blackhole.Instance);
        ((ExtendedActorSystem)victim.System).Abort();
        await Bounded.WithinAsync(victim.System.WhenTerminated, _options.StepTimeout, $"aborting {name}");
        Log($"killed {name}");
    }

    /// <summary>
    /// A graceful leave: <paramref name="name"/> leaves the cluster, and the call returns once it saw itself
    /// removed and its ActorSystem stopped (Akka runs coordinated shutdown after a leave). The others see it
    /// removed shortly after; wait for that with <see cref="WaitForRemovedAsync"/>.
    /// </summary>
    public async Task LeaveAsync(string name)
    {
        var node = this[name];
        if (!node.IsAlive) throw new InvalidOperationException($"{name} is not alive: it cannot leave");
        Log($"{name} leaves");
        using var cancel = new CancellationTokenSource(_options.StepTimeout);
        try
        {
            await node.Cluster.LeaveAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{name} was not removed within {Bounded.Show(_options.StepTimeout)} of leaving. At the deadline:{Environment.NewLine}{DescribeCluster()}");
        }
        await Bounded.WithinAsync(node.System.WhenTerminated, _options.StepTimeout, $"{name} stopping after its leave");
        Log($"{name} left and stopped");
    }

    private IReadOnlyList<string> BlackholedLinks() =>
        _blackholed.Select(link => $"{link.Item1}<->{link.Item2}").Order().ToList();

    private async Task SetLinksAsync(IReadOnlyCollection<string> side, IReadOnlyCollection<string> otherSide, ThrottleMode mode)
    {
        var overlap = side.Intersect(otherSide).ToList();
        if (overlap.Count > 0) throw new ArgumentException($"nodes on both sides: {string.Join(", ", overlap)}");
        var pairs = side.SelectMany(a => otherSide.Select(b => (A: this[a], B: this[b]))).ToList();
        // Both ends, each for both directions: a link stays cut even while one end's connection is replaced.
        var commands = pairs.SelectMany(p => new[] { (From: p.A, To: p.B), (From: p.B, To: p.A) })
            .Where(c => c.From.IsAlive)
            .Select(c => ThrottleAsync(c.From, c.To, mode));
        await Bounded.WithinAsync(Task.WhenAll(commands), _options.StepTimeout, $"setting {mode.GetType().Name} between {{{string.Join(", ", side)}}} and {{{string.Join(", ", otherSide)}}}");
        foreach (var (a, b) in pairs)
        {
            var link = string.CompareOrdinal(a.Name, b.Name) < 0 ? (a.Name, b.Name) : (b.Name, a.Name);
            if (mode is Blackhole) _blackholed.Add(link);
            else _blackholed.Remove(link);
        }
    }

    private static async Task ThrottleAsync(ClusterNode node, ClusterNode target, ThrottleMode mode)
    {
        // Without the adapter the command would be acknowledged and change nothing: refuse it instead.
        if (!node.Address.Protocol.Contains(".trttl."))
            throw new InvalidOperationException(
                $"{node.Name} cannot throttle its link to {target.Name}: its transport ({node.Address.Protocol}) has no trttl adapter " +
                "(akka.remote.dot-netty.tcp.applied-adapters must contain trttl)");
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)node.System).Provider).Transport;
        var applied = await transport.ManagementCommand(new SetThrottle(target.Address, ThrottleTransportAdapter.Direction.Both, mode));
        if (!applied) throw new InvalidOperationException($"{node.Name} refused to throttle its link to {target.Name}");
    }
}
