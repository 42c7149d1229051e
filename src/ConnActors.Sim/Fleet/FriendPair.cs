using ConnActors.Policy.Politeness;

namespace ConnActors.Sim.Fleet;

/// <summary>Two fleet members that are friends: the lower-numbered one redials the pair when it is lost.</summary>
internal sealed class FriendPair(int index, int low, int high, FriendReconnectSchedule schedule)
{
    public int Index { get; } = index;
    public int Low { get; } = low;
    public int High { get; } = high;
    public FriendReconnectSchedule Schedule { get; } = schedule;
    public int JsRetries { get; set; }
    public bool RetryScheduled { get; set; }
}
