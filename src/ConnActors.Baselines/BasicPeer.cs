using ConnActors.Policy;
using ConnActors.Policy.Engine;
namespace ConnActors.Baselines;

/// <summary>
/// One entry of the basic manager (go's peerInfo): its connections, tags and decaying tags, cached tag
/// sum, and first-seen time. Entries are pooled so that churn does not allocate.
/// </summary>
internal sealed class BasicPeer
{
    public int Id;
    public long FirstSeenMs;

    // An entry made by a tag before any connection (go's "temp" entry); pruned by a trim after grace.
    public bool IsTemporary;
    public bool IsClosing;
    public int Inbound;
    public int Outbound;
    public int Streams;

    // Sum of static and decaying tag values (go's cached "value").
    public int Value;

    // Allocated on the first tag (most peers of a large simulated network never get one): 128 bytes a peer less.
    public TagValue[] Tags = [];
    public int TagCount;
    public DecayingTagValue[] Decaying = [];
    public int DecayingCount;

    public int Connections => Inbound + Outbound;

    public void Reset(int id, long nowMs, bool temporary)
    {
        Id = id;
        FirstSeenMs = nowMs;
        IsTemporary = temporary;
        IsClosing = false;
        Inbound = Outbound = Streams = Value = 0;
        TagCount = DecayingCount = 0;
    }

    public int IndexOfTag(int tag)
    {
        for (int i = 0; i < TagCount; i++)
        {
            if (Tags[i].Tag == tag) return i;
        }
        return -1;
    }

    public int IndexOfDecaying(int tag)
    {
        for (int i = 0; i < DecayingCount; i++)
        {
            if (Decaying[i].Tag == tag) return i;
        }
        return -1;
    }

    public void RemoveTagAt(int index) => Tags[index] = Tags[--TagCount];

    public void RemoveDecayingAt(int index) => Decaying[index] = Decaying[--DecayingCount];
}

internal struct TagValue
{
    public int Tag;
    public int Value;
}

internal struct DecayingTagValue
{
    public int Tag;
    public int Value;
    public long LastVisitMs;
}
