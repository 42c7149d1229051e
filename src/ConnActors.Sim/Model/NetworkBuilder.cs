using ConnActors.Policy.Limits;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Model;

/// <summary>
/// Lays out a network: reachability, resource profiles, home routers (some shared), addresses, DHT
/// IDs, positions and topics, all from stable hashes of the seed so every policy sees the same network.
/// </summary>
internal static class NetworkBuilder
{
    public static (NodeTable Nodes, RouterTable Routers) Build(ScenarioSettings s, ulong seed)
    {
        if (s.TopicsPerSubscriber < 1 || s.TopicsPerSubscriber > MeshTopics.MaxPerNode || (s.Topics > 0 && s.TopicsPerSubscriber > s.Topics))
            throw new ArgumentException($"scenario {s.Name}: topics per subscriber must be 1 to {MeshTopics.MaxPerNode} and at most the {s.Topics} topics, was {s.TopicsPerSubscriber}");
        var nodes = new NodeTable(s.Nodes, s.TopicsPerSubscriber);
        var routers = new RouterTable();
        int currentRouter = -1, seatsLeft = 0;
        uint publicIp = 0x0B000000;
        for (int i = 0; i < s.Nodes; i++)
        {
            bool unreachable = StableHash.Unit(seed, i, 1) < s.UnreachableShare;
            nodes.Unreachable[i] = unreachable;
            double p = StableHash.Unit(seed, i, 2);
            nodes.Profile[i] = unreachable
                ? (p < s.TinyShareOfUnreachable ? ResourceProfile.Tiny : ResourceProfile.Desktop)
                : p < s.DesktopShareOfReachable ? ResourceProfile.Desktop
                : p < 1 - s.XlShareOfReachable ? ResourceProfile.Server : ResourceProfile.Xl;
            nodes.DhtId[i] = StableHash.Of(seed, i, 3);
            (nodes.X[i], nodes.Y[i], nodes.Z[i]) = GeoModel.Place(seed, i);
            bool subscribes = s.Topics > 0 && StableHash.Unit(seed, i, 4) < s.SubscribeShare;
            PickTopics(nodes.Topics.AsSpan(i * nodes.TopicSlots, nodes.TopicSlots), subscribes, s.Topics, seed, i);

            // Homes (unreachable nodes and port-forwarded desktops) sit behind a router; servers do not.
            bool home = unreachable || nodes.Profile[i] is ResourceProfile.Desktop or ResourceProfile.Tiny;
            if (!home)
            {
                nodes.Router[i] = -1;
                nodes.Ip[i] = publicIp++;
                continue;
            }
            if (seatsLeft == 0)
            {
                currentRouter = routers.Add(RouterSize(s, seed, routers.Count));
                seatsLeft = StableHash.Unit(seed, currentRouter, 7) < s.SharedRouterShare
                    ? (s.SharedRouterSeats > 0 ? s.SharedRouterSeats : 2 + (int)(StableHash.Of(seed, currentRouter, 8) % 4)) : 1;
            }
            seatsLeft--;
            nodes.Router[i] = currentRouter;
            nodes.Ip[i] = 0x50000000u + (uint)currentRouter;
        }
        return (nodes, routers);
    }

    // Distinct topics, the first drawn as when a node had one topic only.
    private static void PickTopics(Span<int> slots, bool subscribes, int topics, ulong seed, int node)
    {
        slots.Fill(-1);
        if (!subscribes) return;
        slots[0] = (int)(StableHash.Of(seed, node, 5) % (ulong)topics);
        for (int slot = 1; slot < slots.Length; slot++)
        {
            for (int draw = 0; slots[slot] < 0 || slots[..slot].Contains(slots[slot]); draw++)
                slots[slot] = (int)(StableHash.Of(seed, node, 9, slot * 1_000 + draw) % (ulong)topics);
        }
    }

    private static int RouterSize(ScenarioSettings s, ulong seed, int router)
    {
        double u = StableHash.Unit(seed, router, 6), acc = 0;
        foreach (var (entries, share) in s.RouterSizes)
        {
            acc += share;
            if (u < acc) return entries;
        }
        return s.RouterSizes[^1].Entries;
    }
}
