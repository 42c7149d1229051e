using ConnActors.Policy;
using ConnActors.Policy.Scoring;
using ConnActors.Sim.Policies;

namespace ConnActors.Sim.Connections;

/// <summary>A stream opened between two connected nodes: each end's policy hears of it (basic and js-like ignore it).</summary>
internal static class StreamSignals
{
    public static void Opened(NodeEngines engines, int a, int b, long nowMs)
    {
        engines.Existing(a)?.RecordSignal(new PeerKey(b), UsefulnessSignal.StreamOpened, 1, nowMs);
        engines.Existing(b)?.RecordSignal(new PeerKey(a), UsefulnessSignal.StreamOpened, 1, nowMs);
    }
}
