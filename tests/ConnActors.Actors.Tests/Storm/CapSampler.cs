using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Storm;

/// <summary>
/// Samples a node's own counters every ~20 ms while a storm runs: the manager's
/// Connections + PendingInbound + PendingOutbound, the host's live connection count, and whether a friend is connected.
/// </summary>
internal sealed class CapSampler : IAsyncDisposable
{
    private readonly ConnActorsNode _node;
    private readonly string _friend;
    private readonly CancellationTokenSource _stop = new(); // never disposed: it owns no timer
    private readonly Task _loop;

    public CapSampler(ConnActorsNode node, PeerId friend)
    {
        _node = node;
        _friend = friend.ToString();
        _loop = Task.Run(LoopAsync);
    }

    public int Samples { get; private set; }
    public int MaxManagerCount { get; private set; }
    public int MaxHostCount { get; private set; }
    public int SamplesWithoutFriend { get; private set; }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var hostCount = _node.Host.Connections.Count;
            var status = await NodeFixture.StatusAsync(_node);
            var c = status.Counts;
            MaxManagerCount = Math.Max(MaxManagerCount, c.Connections + c.PendingInbound + c.PendingOutbound);
            MaxHostCount = Math.Max(MaxHostCount, Math.Max(hostCount, _node.Host.Connections.Count));
            if (!status.Peers.Any(p => p.PeerId == _friend && p.IsFriend && p.Inbound + p.Outbound > 0)) SamplesWithoutFriend++;
            Samples++;
            try { await Task.Delay(20, _stop.Token); }
            catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await _loop;
    }
}
