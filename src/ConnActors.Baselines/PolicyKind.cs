using ConnActors.Policy;
using ConnActors.Policy.Engine;
namespace ConnActors.Baselines;

/// <summary>Which connection manager decides (as Kubo's <c>Swarm.ConnMgr.Type</c> selects one).</summary>
public enum PolicyKind
{
    /// <summary>ConnActors v2: quotas, bursts, lazy scoring, trims to low water, reserves.</summary>
    V2,

    /// <summary>A re-implementation of go-libp2p's BasicConnMgr, the comparison baseline.</summary>
    Basic,
}
