using ConnActors.Baselines;
using ConnActors.Policy;
using ConnActors.Sim.Model;
using ConnActors.Sim.Policies;

namespace ConnActors.Sim.Connections;

/// <summary>Tells basic and js-like how many streams are open to a peer (they see no other use of a connection).</summary>
internal static class StreamCounts
{
    /// <summary>One stream for a mesh link, one for a running DHT query on the connection.</summary>
    public static void Update(NodeEngines engines, Adjacency links, int node, int peer)
    {
        var engine = engines.Existing(node);
        if (engine is not (BasicConnectionManager or JsLikeConnectionManager)) return;
        int i = links.IndexOf(node, peer);
        if (i < 0) return;
        var flags = links.FlagsAt(node, i);
        int streams = ((flags & LinkFlags.Mesh) != 0 ? 1 : 0) + ((flags & LinkFlags.InQuery) != 0 ? 1 : 0);
        if (engine is BasicConnectionManager basic) basic.SetStreams(new PeerKey(peer), streams);
        else ((JsLikeConnectionManager)engine).SetStreams(new PeerKey(peer), streams);
    }
}
