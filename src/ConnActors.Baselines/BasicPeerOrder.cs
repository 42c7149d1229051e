using ConnActors.Policy;
using ConnActors.Policy.Engine;
namespace ConnActors.Baselines;

/// <summary>
/// go's SortByValueAndStreams: temporary entries first, then lower tag value, then peers without
/// streams, then peers with an inbound connection, then fewer streams (or more streams, for an
/// emergency that wants to free memory). The peer key breaks remaining ties so that runs repeat.
/// Counts its comparisons as the CPU proxy of a trim.
/// </summary>
internal sealed class BasicPeerOrder : IComparer<BasicPeer>
{
    private readonly bool _moreStreamsFirst;

    public BasicPeerOrder(bool moreStreamsFirst) => _moreStreamsFirst = moreStreamsFirst;

    public long Comparisons { get; set; }

    public int Compare(BasicPeer? left, BasicPeer? right)
    {
        Comparisons++;
        if (left!.IsTemporary != right!.IsTemporary) return left.IsTemporary ? -1 : 1;
        if (left.Value != right.Value) return left.Value < right.Value ? -1 : 1;
        int ls = left.Streams, rs = right.Streams;
        if (ls != rs && (ls == 0 || rs == 0)) return ls < rs ? -1 : 1;
        bool leftIncoming = left.Inbound > 0, rightIncoming = right.Inbound > 0;
        if (leftIncoming != rightIncoming) return leftIncoming ? -1 : 1;
        if (ls != rs) return (ls < rs) != _moreStreamsFirst ? -1 : 1;
        return left.Id.CompareTo(right.Id);
    }
}
