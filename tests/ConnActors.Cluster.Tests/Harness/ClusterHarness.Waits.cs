using Akka.Actor;
using Akka.Cluster;
using CurrentClusterState = Akka.Cluster.ClusterEvent.CurrentClusterState;

namespace ConnActors.Cluster.Tests.Harness;

public sealed partial class ClusterHarness
{
    /// <summary>
    /// Waits until <paramref name="observer"/>'s view of the cluster satisfies <paramref name="condition"/>;
    /// fails after <paramref name="timeout"/> (or at once if the observer terminates) with every node's view.
    /// </summary>
    public Task WaitUntilAsync(string observer, string what, Func<CurrentClusterState, bool> condition, TimeSpan timeout)
    {
        var node = this[observer];
        return Bounded.UntilAsync(
            () => node.IsAlive ? condition(node.Cluster.State) : throw new InvalidOperationException($"{observer} terminated while waiting until it {what}. State:{Environment.NewLine}{DescribeCluster()}"),
            timeout,
            $"{observer} {what}",
            DescribeCluster);
    }

    /// <summary>Waits until <paramref name="observer"/> sees <paramref name="subject"/> with <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(string observer, string subject, MemberStatus status, TimeSpan timeout)
    {
        var address = this[subject].Address;
        await WaitUntilAsync(observer, $"sees {subject} {status}", s => s.Members.Any(m => m.Address.Equals(address) && m.Status == status), timeout);
        Log($"{observer} sees {subject} {status}");
    }

    /// <summary>Waits until <paramref name="observer"/> sees <paramref name="subject"/> Up.</summary>
    public Task WaitForUpAsync(string observer, string subject, TimeSpan timeout) =>
        WaitForStatusAsync(observer, subject, MemberStatus.Up, timeout);

    /// <summary>Waits until <paramref name="observer"/> sees <paramref name="subject"/> unreachable.</summary>
    public async Task WaitForUnreachableAsync(string observer, string subject, TimeSpan timeout)
    {
        var address = this[subject].Address;
        await WaitUntilAsync(observer, $"sees {subject} unreachable", s => IsUnreachable(s, address), timeout);
        Log($"{observer} sees {subject} unreachable");
    }

    /// <summary>Waits until <paramref name="observer"/> sees <paramref name="subject"/> a member and reachable.</summary>
    public async Task WaitForReachableAsync(string observer, string subject, TimeSpan timeout)
    {
        var address = this[subject].Address;
        await WaitUntilAsync(observer, $"sees {subject} reachable",
            s => IsMember(s, address) && !IsUnreachable(s, address), timeout);
        Log($"{observer} sees {subject} reachable");
    }

    /// <summary>Waits until <paramref name="observer"/> no longer has <paramref name="subject"/> among its members (removed).</summary>
    public async Task WaitForRemovedAsync(string observer, string subject, TimeSpan timeout)
    {
        var address = this[subject].Address;
        await WaitUntilAsync(observer, $"sees {subject} removed",
            s => !IsMember(s, address) && !IsUnreachable(s, address), timeout);
        Log($"{observer} sees {subject} removed");
    }

    /// <summary>Waits until every other live node sees <paramref name="subject"/> unreachable (a barrier).</summary>
    public Task WaitForUnreachableByAllAsync(string subject, TimeSpan timeout)
    {
        var address = this[subject].Address;
        return BarrierAsync($"all see {subject} unreachable",
            node => node.Name == subject || IsUnreachable(node.Cluster.State, address), timeout);
    }

    /// <summary>Waits until every other live node no longer has <paramref name="subject"/> among its members (a barrier).</summary>
    public Task WaitForRemovedByAllAsync(string subject, TimeSpan timeout)
    {
        var address = this[subject].Address;
        return BarrierAsync($"all see {subject} removed",
            node => node.Name == subject || (!IsMember(node.Cluster.State, address) && !IsUnreachable(node.Cluster.State, address)),
            timeout);
    }

    /// <summary>Waits until <paramref name="name"/>'s ActorSystem has terminated (e.g. the resolver downed it).</summary>
    public async Task WaitForTerminatedAsync(string name, TimeSpan timeout)
    {
        var node = this[name];
        await Bounded.UntilAsync(() => !node.IsAlive, timeout, $"{name} terminates", DescribeCluster);
        Log($"{name} terminated");
    }

    /// <summary>
    /// Waits until the cluster converged: every live node sees exactly <paramref name="members"/> (by default
    /// the live nodes), all Up, none unreachable, the same leader, and every member has seen that state.
    /// </summary>
    public async Task WaitConvergedAsync(TimeSpan timeout, IReadOnlyCollection<string>? members = null)
    {
        var expected = (members ?? LiveNodes.Select(n => n.Name).ToList()).Select(name => this[name].Address).ToHashSet();
        await BarrierAsync("converged",
            node => Task.FromResult(ConvergedLeader(node.Cluster.State, expected)),
            leader => leader is not null,
            timeout,
            sameEverywhere: true);
    }

    private static bool IsMember(CurrentClusterState state, Address address) => state.Members.Any(m => m.Address.Equals(address));

    private static bool IsUnreachable(CurrentClusterState state, Address address) => state.Unreachable.Any(m => m.Address.Equals(address));

    /// <summary>The leader's name when <paramref name="state"/> is converged on <paramref name="expected"/>, otherwise null.</summary>
    private string? ConvergedLeader(CurrentClusterState state, HashSet<Address> expected) =>
        state.Unreachable.IsEmpty
        && state.Members.Count == expected.Count
        && state.Members.All(m => m.Status == MemberStatus.Up && expected.Contains(m.Address))
        && state.SeenBy.SetEquals(expected)
        && state.Leader is not null
            ? "leader " + NameOf(state.Leader)
            : null;
}
