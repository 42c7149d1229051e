using ConnActors.Policy.Admission;
using ConnActors.Policy.Limits;

namespace ConnActors.Sim.Model;

/// <summary>Per-node state as struct-of-arrays: a few dozen bytes per node, no object per node.</summary>
internal sealed class NodeTable
{
    public NodeTable(int count, int topicSlots = 1)
    {
        Count = count;
        TopicSlots = topicSlots;
        Profile = new ResourceProfile[count];
        Unreachable = new bool[count];
        Router = new int[count];
        Online = new bool[count];
        SessionStartMs = new long[count];
        SessionNumber = new int[count];
        DhtId = new ulong[count];
        X = new float[count];
        Y = new float[count];
        Z = new float[count];
        Topics = new int[count * topicSlots];
        Ip = new uint[count];
        IsFleet = new bool[count];
    }

    public int Count { get; }
    public ResourceProfile[] Profile { get; }
    /// <summary>Behind NAT without a port mapping: can only dial out, and is a DHT client.</summary>
    public bool[] Unreachable { get; }
    /// <summary>The home router the node sits behind, or -1 (datacentre).</summary>
    public int[] Router { get; }
    public bool[] Online { get; }
    public long[] SessionStartMs { get; }
    public int[] SessionNumber { get; }
    public ulong[] DhtId { get; }
    public float[] X { get; }
    public float[] Y { get; }
    public float[] Z { get; }
    /// <summary>Topic slots per node: the most pubsub topics a node subscribes to.</summary>
    public int TopicSlots { get; }
    /// <summary>The pubsub topics each node subscribes to, <see cref="TopicSlots"/> per node; -1 in every slot of a node that subscribes to none.</summary>
    public int[] Topics { get; }
    public uint[] Ip { get; }
    public bool[] IsFleet { get; }

    public int TopicAt(int node, int slot) => Topics[node * TopicSlots + slot];

    public bool Subscribes(int node) => Topics[node * TopicSlots] >= 0;

    /// <summary>The slot in which <paramref name="node"/> holds <paramref name="topic"/>, or -1.</summary>
    public int SlotOf(int node, int topic) => Topics.AsSpan(node * TopicSlots, TopicSlots).IndexOf(topic);

    public RemoteAddress Address(int node) => RemoteAddress.IPv4(Ip[node]);

    public double RttMs(int a, int b) => GeoModel.RttMs(X[a], Y[a], Z[a], X[b], Y[b], Z[b]);
}
