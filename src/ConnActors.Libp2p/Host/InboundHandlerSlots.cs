using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ConnActors.Libp2p.Host;

/// <summary>
/// The inbound streams of one connection that a protocol's handler is serving now, per protocol: what
/// <see cref="Libp2pHost.SetStreamHandler"/>'s per-connection limit counts. Taken before the handler runs and given back
/// when it returns, so that streams negotiating at once cannot all pass the limit.
/// </summary>
internal sealed class InboundHandlerSlots
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _serving = new(StringComparer.Ordinal);

    public bool TryTake(string protocol, int most)
    {
        var serving = _serving.GetOrAdd(protocol, _ => new StrongBox<int>());
        if (Interlocked.Increment(ref serving.Value) <= most) return true;
        Interlocked.Decrement(ref serving.Value);
        return false;
    }

    public void GiveBack(string protocol)
    {
        if (_serving.TryGetValue(protocol, out var serving)) Interlocked.Decrement(ref serving.Value);
    }
}
