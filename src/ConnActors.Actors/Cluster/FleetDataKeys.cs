using Akka.DistributedData;

namespace ConnActors.Actors.Cluster;

/// <summary>The fleet's replicated data (in memory): every member's load, and the penalties shared between members.</summary>
internal static class FleetDataKeys
{
    public static readonly LWWDictionaryKey<string, FleetLoad> Loads = new("connactors-fleet-loads");

    public static readonly LWWDictionaryKey<string, SharedPenalty> Penalties = new("connactors-fleet-penalties");
}
