using ConnActors.Libp2p.Kad.Protocol;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// The bytes a response may still take before it passes the message size its asker reads (<see cref="KadLimits.MaxMessageSize"/>
/// on this node; a larger answer is bad input there). Peer entries carry addresses their peers chose, so without it a handful of
/// providers with long addresses would make an answer the asker refuses, and a small request a large reply.
/// </summary>
public sealed class ResponseRoom
{
    // The tags of record (3), closerPeers (8) and providerPeers (9) are one byte each.
    private const int TagBytes = 1;
    private int _left;

    /// <param name="maxMessageSize">The largest message the asker reads.</param>
    /// <param name="response">The response as it is so far (its key and type).</param>
    public ResponseRoom(int maxMessageSize, Message response) => _left = maxMessageSize - response.CalculateSize();

    /// <summary>Bytes still free.</summary>
    public int Left => _left;

    /// <summary>Entries left out because they did not fit.</summary>
    public int LeftOut { get; private set; }

    /// <summary>Adds <paramref name="peer"/> to <paramref name="field"/> when it fits.</summary>
    public bool TryAdd(RepeatedField<Message.Types.Peer> field, Message.Types.Peer peer)
    {
        if (!Take(TagBytes + CodedOutputStream.ComputeMessageSize(peer))) return false;
        field.Add(peer);
        return true;
    }

    /// <summary>Sets <paramref name="record"/> as the response's record when it fits.</summary>
    public bool TrySet(Message response, Record record)
    {
        if (!Take(TagBytes + CodedOutputStream.ComputeMessageSize(record))) return false;
        response.Record = record;
        return true;
    }

    // Takes the bytes when they fit, else counts an entry left out.
    private bool Take(int bytes)
    {
        if (bytes > _left)
        {
            LeftOut++;
            return false;
        }
        _left -= bytes;
        return true;
    }
}
