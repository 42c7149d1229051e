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
        var nodes = new NodeTable(s.Nodes);
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
            nodes.Topic[i] = s.Topics > 0 && StableHash.Unit(seed, i, 4) < s.SubscribeShare
                ? (int)(StableHash.Of(seed, i, 5) % (ulong)s.Topics) : -1;

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
