namespace ConnActors.Sim.Model;

/// <summary>
/// Latency from geography: each node sits at a point near one of a few population centres; the
/// round-trip time is a fixed last-mile cost plus the great-circle distance at two thirds of light
/// speed in fibre (about 100 km per ms of round trip) inflated by 1.5 for indirect routes.
/// </summary>
internal static class GeoModel
{
    // (latitude, longitude, weight): share of IPFS nodes by region, rounded from the SIGCOMM 2022 map
    // (North America and Europe dominate, then East Asia).
    private static readonly (double Lat, double Lon, double Weight)[] Centres =
    [
        (40, -95, 0.30), (50, 10, 0.38), (35, 120, 0.20), (1, 104, 0.05), (-23, -47, 0.04), (-33, 151, 0.03),
    ];

    public const double LastMileRttMs = 10;
    private const double EarthRadiusKm = 6371;
    private const double KmPerRttMs = 100;
    private const double RouteInflation = 1.5;

    public static (float X, float Y, float Z) Place(ulong seed, int node)
    {
        double u = StableHash.Unit(seed, node, 11);
        int region = 0;
        for (double acc = Centres[0].Weight; region < Centres.Length - 1 && u > acc; acc += Centres[++region].Weight) { }
        double lat = Centres[region].Lat + (StableHash.Unit(seed, node, 12) - 0.5) * 20;
        double lon = Centres[region].Lon + (StableHash.Unit(seed, node, 13) - 0.5) * 30;
        double la = lat * Math.PI / 180, lo = lon * Math.PI / 180;
        return ((float)(Math.Cos(la) * Math.Cos(lo)), (float)(Math.Cos(la) * Math.Sin(lo)), (float)Math.Sin(la));
    }

    public static double RttMs(float x1, float y1, float z1, float x2, float y2, float z2)
    {
        double dot = Math.Clamp(x1 * x2 + y1 * y2 + z1 * z2, -1.0, 1.0);
        return LastMileRttMs + Math.Acos(dot) * EarthRadiusKm / KmPerRttMs * RouteInflation;
    }
}
